import { spawn } from 'node:child_process'
import { CLI_MAIN } from './paths.js'

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `simopt <args>` as a real process, as a user would; without a scheduler unless `env` asks for one (see
 * `NO_SCHEDULER`), and allowing carriers on loopback (test servers) unless `env` says otherwise.
 */
export function runSimopt(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: options.cwd, env: { SIMOPT_SCHEDULE_CRON: 'off', SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'true', ...process.env, ...options.env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
