import { spawn } from 'node:child_process'
import path from 'node:path'

export interface ProcessMeasurement {
  readonly seconds: number
  readonly peakRssMb: number
  readonly code: number | null
  /** Set when the process was killed for running past its time limit. */
  readonly timedOut: boolean
  readonly stdout: string
  readonly stderr: string
}

const PEAK_MEMORY_HOOK = path.join(import.meta.dirname, 'report-peak-memory.js')

/** Runs `node <script> <args>` and measures its wall time and peak memory; kills it after `killAfterSeconds`. */
export function measureNodeProcess(script: string, args: readonly string[], killAfterSeconds = Infinity, env: Record<string, string> = {}): Promise<ProcessMeasurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['--max-old-space-size=4096', '--import', PEAK_MEMORY_HOOK, script, ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const timer = Number.isFinite(killAfterSeconds)
      ? setTimeout(() => {
          timedOut = true
          child.kill('SIGKILL')
        }, killAfterSeconds * 1000)
      : undefined
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const seconds = (performance.now() - started) / 1000
      const lines = stderr.trimEnd().split('\n')
      let peakRssMb = Number.NaN
      try {
        peakRssMb = (JSON.parse(lines.at(-1) ?? '') as { peakRssMb: number }).peakRssMb
        lines.pop()
      } catch {
        // killed or crashed before reporting
      }
      resolve({ seconds, peakRssMb, code, timedOut, stdout, stderr: lines.join('\n') })
    })
  })
}

/** Seconds a synchronous or asynchronous step takes. */
export async function timed<T>(step: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now()
  const value = await step()
  return { value, seconds: (performance.now() - started) / 1000 }
}
