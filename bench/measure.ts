import { spawn } from 'node:child_process'
import path from 'node:path'

export interface ProcessMeasurement {
  readonly seconds: number
  readonly peakRssMb: number
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const PEAK_MEMORY_HOOK = path.join(import.meta.dirname, 'report-peak-memory.js')

/** Runs `node <script> <args>` and measures its wall time and peak memory. */
export function measureNodeProcess(script: string, args: readonly string[]): Promise<ProcessMeasurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['--import', PEAK_MEMORY_HOOK, script, ...args])
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000
      const lines = stderr.trimEnd().split('\n')
      const report = JSON.parse(lines.at(-1) ?? '{}') as { peakRssMb?: number }
      resolve({ seconds, peakRssMb: report.peakRssMb ?? Number.NaN, code, stdout, stderr: lines.slice(0, -1).join('\n') })
    })
  })
}

/** Seconds a synchronous or asynchronous step takes. */
export async function timed<T>(step: () => T | Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now()
  const value = await step()
  return { value, seconds: (performance.now() - started) / 1000 }
}
