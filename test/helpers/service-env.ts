/** Running the service commands as a user would: real processes, each backend's settings in the environment. */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { openStore, type Store } from '../../src/store/database.js'
import { runSimopt, type CliRun } from './cli.js'
import { CLI_MAIN } from './paths.js'

export type ServiceEnv = Record<string, string>

/**
 * Test processes never tick the schedule on the wall clock: on the last days of a month it would start
 * sessions no test asked for. The scheduler's own tests turn it on.
 */
export const NO_SCHEDULER = { SIMOPT_SCHEDULE_CRON: 'off' } as const

/** Test carriers (the Jasper simulator, fake servers) listen on 127.0.0.1, which the service refuses by default. */
export const LOOPBACK_CARRIERS = { SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'true' } as const

export function sqliteLocal(folder: string, leaseMs = 30_000): ServiceEnv {
  return { ...NO_SCHEDULER, ...LOOPBACK_CARRIERS, SIMOPT_DATABASE_URL: `sqlite:${folder}/simopt.db`, SIMOPT_QUEUE: 'local', SIMOPT_JOB_LEASE_MS: String(leaseMs) }
}

export function postgresBullmq(databaseUrl: string, redis: { url: string; prefix: string }, leaseMs = 30_000): ServiceEnv {
  return {
    ...NO_SCHEDULER,
    ...LOOPBACK_CARRIERS,
    SIMOPT_DATABASE_URL: databaseUrl,
    SIMOPT_QUEUE: 'bullmq',
    SIMOPT_REDIS_URL: redis.url,
    SIMOPT_QUEUE_PREFIX: redis.prefix,
    SIMOPT_JOB_LEASE_MS: String(leaseMs),
  }
}

export async function simopt(env: ServiceEnv, args: readonly string[]): Promise<CliRun> {
  return runSimopt(args, { env })
}

/** Like `simopt`, but a non-zero exit fails the test with the command's error output. */
export async function simoptOk(env: ServiceEnv, args: readonly string[]): Promise<CliRun> {
  const run = await simopt(env, args)
  if (run.code !== 0) throw new Error(`simopt ${args.join(' ')} exited ${run.code}: ${run.stderr}`)
  return run
}

export function startWorkerProcess(env: ServiceEnv, concurrency = 1): ChildProcess {
  const child = spawn(process.execPath, [CLI_MAIN, 'worker', '--concurrency', String(concurrency)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr!.setEncoding('utf8').on('data', () => {})
  return child
}

export async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  await exited
}

export function storeFor(env: ServiceEnv): Store {
  return openStore(env.SIMOPT_DATABASE_URL!)
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

export function importArgs(files: { plans: string; pools: string; commPlans: string; sims: string }, period = '2026-11'): string[] {
  return ['import', '--tenant', 'acme', '--provider', 'main', '--period', period, '--plans', files.plans, '--pools', files.pools, '--comm-plans', files.commPlans, '--sims', files.sims]
}

/**
 * Cycle options for a provider whose period ends tomorrow at 23:00 UTC and is named by today's month,
 * putting now in its last two days whatever the date.
 */
export function cycleEndingTomorrowArgs(now: Date): string[] {
  const lastDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate()
  // The cycle ends at hour 23 of its end day; on the month's last day, that is day 1 of the next (0).
  const endDay = now.getUTCDate() === lastDay ? 0 : now.getUTCDate() + 1
  return ['--time-zone', 'UTC', '--cycle-end-day', String(endDay), '--cycle-end-hour', '23']
}

export const RUN_ARGS = ['run', '--tenant', 'acme', '--provider', 'main', '--period', '2026-11']

/** Waits for session `id` to end (done or failed) and gives its status and message. */
export function sessionEnd(store: Store, id: string, timeoutMs = 120_000): Promise<{ status: string; message: string | null }> {
  return eventually(
    `session ${id} to end`,
    async () => {
      const row = await store.db.selectFrom('sessions').select(['status', 'message']).where('id', '=', id).executeTakeFirstOrThrow()
      return ['done', 'failed'].includes(row.status) ? row : undefined
    },
    timeoutMs,
  )
}

export interface ListeningProcess {
  readonly child: ChildProcess
  /** The address the process printed alone on its first line of standard output. */
  readonly url: string
  /** Its standard error so far. */
  stderr(): string
}

/** Starts `simopt <args>` (`serve`, or `worker --port`) and waits for the address it prints. */
export async function startListeningProcess(env: ServiceEnv, args: readonly string[]): Promise<ListeningProcess> {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  try {
    const url = await eventually(`simopt ${args.join(' ')} to print its address`, async () => {
      if (child.exitCode !== null) throw new Error(`simopt ${args.join(' ')} exited ${child.exitCode}: ${stderr}`)
      return /^(http:\/\/[^\s]+)$/m.exec(stdout)?.[1]
    }, 30_000)
    return { child, url, stderr: () => stderr }
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
}
