/**
 * Issue 16's chaos run: one session of a Jasper account on PostgreSQL + BullMQ, worked by 2 `simopt worker`
 * processes, with the simulator failing 20% of calls, a write-enabled provider whose changes are pushed
 * (no approval required) and verified, and e-mail to an SMTP server on loopback. Over the session's life
 * a random worker is killed with SIGKILL at a random moment, `kills` times, spread over sync, optimize,
 * report, push and verify, and a replacement started each time. Then the checks of chaos-checks.ts.
 * Everything it starts (workers, simulator, SMTP server, database, Redis keys) is stopped or removed at the
 * end, on failure too.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startJasperSimulator } from '../src/carriers/jasper/simulator/jasper-simulator.js'
import { SIMULATED_CYCLE, writeSimulatedPriceSheet } from '../src/carriers/jasper/simulator/simulated-fleet.js'
import { Random } from '../src/demo/index.js'
import { billingPeriodAt } from '../src/domain/index.js'
import { openStore } from '../src/store/database.js'
import { SmtpReceiver } from '../test/helpers/mail-receivers.js'
import { checkChaosSession, type Check, type ChaosOutcome } from './chaos-checks.js'
import { KillPlan, sessionState, type Kill, type SessionPhase } from './chaos-kills.js'
import { chaosServices } from './chaos-services.js'
import { WorkerPool } from './chaos-workers.js'
import { measureNodeProcess } from './measure.js'

const CLI = path.join(import.meta.dirname, '../src/cli/main.js')
const WORKERS = 2
const WORKER_CONCURRENCY = 2
const ERROR_RATE = 0.2
/** The simulated account's limit; each worker process keeps its own limiter, so each gets its share. */
const ACCOUNT_CALLS_PER_SECOND = 200
const CALLS_IN_FLIGHT = 4
/** A killed worker's jobs go to another after this long. */
const LEASE_MS = 5000
const POLL_MS = 200

export interface ChaosOptions {
  readonly sims: number
  readonly kills: number
  readonly seed: number
  /** The run fails when the session has not settled after this long. */
  readonly timeoutSeconds: number
}

export interface ChaosFigures {
  readonly options: ChaosOptions
  readonly seconds: number
  readonly phases: Readonly<Partial<Record<SessionPhase, number>>>
  readonly kills: readonly Kill[]
  readonly workersStarted: number
  readonly workersCrashed: number
  readonly outcome: ChaosOutcome | undefined
  readonly checks: readonly Check[]
  readonly passed: boolean
  /** Where the workers' logs were kept, when a check failed. */
  readonly logs: string | undefined
}

async function simopt(env: Record<string, string>, args: readonly string[]) {
  const run = await measureNodeProcess(CLI, args, 300, env)
  if (run.code !== 0) throw new Error(`simopt ${args[0]} failed (exit ${run.code}): ${run.stderr}`)
  return run
}

export async function chaosRun(folder: string, options: ChaosOptions): Promise<ChaosFigures> {
  const random = new Random(options.seed)
  const logFolder = path.join(folder, 'chaos-logs')
  await mkdir(logFolder, { recursive: true })
  const simulator = await startJasperSimulator({ sims: options.sims, seed: options.seed, rateLimit: ACCOUNT_CALLS_PER_SECOND, errorRate: ERROR_RATE })
  const smtp = new SmtpReceiver()
  let services: Awaited<ReturnType<typeof chaosServices>> | undefined
  let pool: WorkerPool | undefined
  let store: ReturnType<typeof openStore> | undefined
  try {
    await smtp.start()
    services = await chaosServices()
    const env: Record<string, string> = {
      SIMOPT_DATABASE_URL: services.databaseUrl,
      SIMOPT_QUEUE: 'bullmq',
      SIMOPT_REDIS_URL: services.redisUrl,
      SIMOPT_QUEUE_PREFIX: services.queuePrefix,
      SIMOPT_JOB_LEASE_MS: String(LEASE_MS),
      SIMOPT_SCHEDULE_CRON: 'off',
      SIMOPT_SECRET_KEY: 'chaos benchmark key, long enough',
      SIMOPT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      SIMOPT_VERIFY_DELAY_MS: '2000',
      SIMOPT_DELIVERY_RETRY_MS: '1000',
      SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'true',
    }
    const period = billingPeriodAt(Date.now(), SIMULATED_CYCLE).name
    const account = ['--tenant', 'chaos', '--name', 'sim']
    await simopt(env, ['provider', 'add', ...account, '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey,
      '--calls-per-second', String(ACCOUNT_CALLS_PER_SECOND / WORKERS), '--calls-in-flight', String(CALLS_IN_FLIGHT), '--write-enabled'])
    const prices = await writeSimulatedPriceSheet(path.join(folder, 'chaos-prices'), simulator.fleet)
    await simopt(env, ['import', '--tenant', 'chaos', '--provider', 'sim', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
    await simopt(env, ['tenant', 'set', '--tenant', 'chaos', '--email-to', 'operations@chaos.example'])

    pool = new WorkerPool(CLI, env, logFolder, WORKER_CONCURRENCY)
    for (let i = 0; i < WORKERS; i++) pool.start()
    store = openStore(services.databaseUrl)
    const started = performance.now()
    const session = (await simopt(env, ['run', '--tenant', 'chaos', '--provider', 'sim', '--period', period])).stdout.split('\n')[0]!.trim()
    const plan = new KillPlan({ kills: options.kills, random })
    const phases: Partial<Record<SessionPhase, number>> = {}
    const seconds = () => (performance.now() - started) / 1000
    let last: SessionPhase | undefined
    let settledAt: number | undefined
    for (;;) {
      const state = await sessionState(store.db, session, simulator.fleet.size)
      const { phase } = state
      if (phase !== last) {
        phases[phase] ??= seconds()
        process.stderr.write(`chaos: ${seconds().toFixed(1)} s ${phase}\n`)
        last = phase
      }
      if (phase === 'settled') {
        settledAt = seconds()
        break
      }
      if (seconds() > options.timeoutSeconds) break
      const kill = await plan.tick(state, seconds(), pool, store.db)
      if (kill !== undefined) process.stderr.write(`chaos: ${kill.seconds.toFixed(1)} s killed worker ${kill.pid} in ${kill.phase} holding ${kill.jobs.join(', ') || 'no job'}\n`)
      await sleep(POLL_MS)
    }
    // An unsettled session has no final state to check: how far it got is the figure.
    const outcome = settledAt === undefined ? undefined : await checkChaosSession(store, session, simulator, smtp.messages)
    const reached = settledAt === undefined ? await progressNote(store, session) : ''
    const checks: Check[] = [
      { name: 'session settled in time', ok: settledAt !== undefined, detail: settledAt === undefined ? `still ${last} after ${options.timeoutSeconds} s: ${reached}` : `${settledAt.toFixed(1)} s` },
      ...(outcome?.checks ?? []),
      { name: 'every kill made', ok: plan.left === 0, detail: `${plan.kills.length} of ${options.kills}` },
      { name: 'no worker died unkilled', ok: pool.crashed === 0, detail: `${pool.crashed} crashed` },
    ]
    const passed = checks.every((check) => check.ok)
    return {
      options,
      seconds: settledAt ?? seconds(),
      phases,
      kills: plan.kills,
      workersStarted: pool.started,
      workersCrashed: pool.crashed,
      outcome,
      checks,
      passed,
      logs: passed ? undefined : await keepLogs(logFolder),
    }
  } finally {
    await pool?.stopAll()
    await store?.close()
    await services?.remove()
    await smtp.stop()
    await simulator.close()
  }
}

async function progressNote(store: ReturnType<typeof openStore>, session: string): Promise<string> {
  const count = async (table: 'devices' | 'usage_readings' | 'results') => Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const sync = await store.db.selectFrom('syncs').select(['calls']).execute()
  const changes = await store.db.selectFrom('changes').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
  const status = await store.db.selectFrom('sessions').select('status').where('id', '=', session).executeTakeFirstOrThrow()
  return `session ${status.status}, ${await count('devices')} devices, ${await count('usage_readings')} usage readings, ${sync.reduce((sum, row) => sum + row.calls, 0)} sync calls, ${await count('results')} results, changes ${changes.map((row) => `${Number(row.n)} ${row.status}`).join(', ') || 'none'}`
}

/** A failed run's worker logs, copied out of the bench's temporary folder (which is removed). */
async function keepLogs(logFolder: string): Promise<string> {
  const kept = path.resolve('data/bench/chaos-logs')
  await mkdir(kept, { recursive: true })
  for (const name of await readdir(logFolder)) await writeFile(path.join(kept, name), await readFile(path.join(logFolder, name)))
  return kept
}

export function printChaosRun(figures: ChaosFigures): void {
  const { options, outcome } = figures
  console.log(`\n## Chaos: ${options.sims.toLocaleString('en-US')} SIMs, PostgreSQL + BullMQ, ${WORKERS} workers, ${ERROR_RATE * 100}% carrier errors, ${options.kills} kills\n`)
  console.log(`wall ${figures.seconds.toFixed(1)} s; stages began at ${Object.entries(figures.phases).map(([phase, at]) => `${phase} ${at.toFixed(1)} s`).join(', ')}`)
  if (outcome !== undefined) {
    console.log(
      `${outcome.devices.toLocaleString('en-US')} devices synced, ${outcome.results.toLocaleString('en-US')} priced; cost ${outcome.costBefore.toFixed(2)} -> ${outcome.costAfter.toFixed(2)} (clean run ${outcome.cleanCostAfter.toFixed(2)}); ` +
        `changes ${Object.entries(outcome.changes).map(([status, n]) => `${n} ${status}`).join(', ') || 'none'}; ${outcome.putCalls} PUT calls, ${outcome.ratePlanChangesApplied} applied; ${outcome.emails} e-mails`,
    )
  }
  console.log(`workers started ${figures.workersStarted} (${WORKERS} + replacements), crashed ${figures.workersCrashed}\n`)
  console.log('| kill | at s | stage | jobs the worker held |')
  console.log('|---|---|---|---|')
  figures.kills.forEach((kill, at) => console.log(`| ${at + 1} | ${kill.seconds.toFixed(1)} | ${kill.phase} | ${kill.jobs.join(', ') || '(between jobs)'} |`))
  console.log('\n| check | result | detail |')
  console.log('|---|---|---|')
  for (const check of figures.checks) console.log(`| ${check.name} | ${check.ok ? 'ok' : 'FAILED'} | ${check.detail} |`)
  if (figures.logs !== undefined) console.log(`\nworker logs kept in ${figures.logs}`)
}
