/**
 * Issue 16 item 13's figures: a session's carrier sync from the Jasper simulator while it fails a share of
 * calls (500 `30000001`), the provider's limiter set to the account's rate, run as a user runs it (`simopt
 * provider add`, `import`, `run --wait`: the sync stages through the job runner). An Essential account
 * (usage read device by device, a call per SIM) is the case where the rate decides how long a sync takes;
 * an Advantage one (usage 50 SIMs a call) is measured alongside. Target: at least 70% of the allowed rate.
 */
import path from 'node:path'
import { startJasperSimulator } from '../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../src/carriers/jasper/simulator/simulated-fleet.js'
import { billingPeriodAt } from '../src/domain/index.js'
import { openStore } from '../src/store/database.js'
import { simopt } from './sync-run.js'

export const SYNC_FAULTS_TARGET = 0.7
const RATE_LIMIT = 40
const ERROR_RATE = 0.2

export interface SyncFaultsFigures {
  readonly account: 'Essential' | 'Advantage'
  readonly sims: number
  readonly allowed: number
  readonly errorRate: number
  /** Calls the simulator received, retries included. */
  readonly calls: number
  /** From the sync's start to its end, as the sync records them. */
  readonly seconds: number
  readonly readings: number
  /** 500 answers (the injected faults). */
  readonly errors: number
  /** Answered `40000029`: the limiter let more calls through than the account allows. */
  readonly refused: number
  /**
   * Failed answers the limiter retried: every failed answer but the last of a call whose retries ran out,
   * which failed its sync job (counted from the sync jobs' extra attempts).
   */
  readonly retries: number
  readonly jobsRetried: number
}

export async function syncFaultsRun(folder: string, sims: number, advantage: boolean): Promise<SyncFaultsFigures> {
  const simulator = await startJasperSimulator({ sims, seed: 16, rateLimit: RATE_LIMIT, errorRate: ERROR_RATE, advantage })
  const account = advantage ? 'Advantage' : 'Essential'
  try {
    const env = {
      SIMOPT_DATABASE_URL: `sqlite:${path.join(folder, `sync-faults-${account}-${sims}.db`)}`,
      SIMOPT_SECRET_KEY: 'benchmark key, long enough',
      SIMOPT_QUEUE: 'local',
      SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'true',
    }
    await simopt(env, ['provider', 'add', '--tenant', 'bench', '--name', 'sim', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', String(RATE_LIMIT)])
    const prices = await writeSimulatedPriceSheet(path.join(folder, `faults-prices-${account}-${sims}`), simulator.fleet)
    const period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
    await simopt(env, ['import', '--tenant', 'bench', '--provider', 'sim', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
    await simopt(env, ['run', '--tenant', 'bench', '--provider', 'sim', '--period', period, '--wait'])
    const store = openStore(env.SIMOPT_DATABASE_URL)
    try {
      const sync = await store.db.selectFrom('syncs').selectAll().executeTakeFirstOrThrow()
      const jobs = await store.db.selectFrom('jobs').select('attempts').where('type', 'in', ['sync-devices', 'sync-usage']).execute()
      const jobsRetried = jobs.reduce((sum, row) => sum + Math.max(0, row.attempts - 1), 0)
      const errors = simulator.stats.rejections['30000001'] ?? 0
      const refused = simulator.stats.rejections['40000029'] ?? 0
      return {
        account,
        sims,
        allowed: RATE_LIMIT,
        errorRate: ERROR_RATE,
        calls: Object.values(simulator.stats.calls).reduce((sum, count) => sum + count, 0),
        seconds: ((sync.finished_at ?? Number.NaN) - sync.started_at) / 1000,
        readings: sync.usage_rows,
        errors,
        refused,
        retries: errors + refused - jobsRetried,
        jobsRetried,
      }
    } finally {
      await store.close()
    }
  } finally {
    await simulator.close()
  }
}

export function printSyncFaultsRuns(figures: readonly SyncFaultsFigures[]): void {
  console.log(`\n## Carrier sync under faults (Jasper simulator: ${RATE_LIMIT} calls/s allowed, ${ERROR_RATE * 100}% of calls answered 500)\n`)
  console.log('| account | SIMs | calls/s reached / allowed | share | minutes | readings | calls | errors (500) | refused (40000029) | retries | sync jobs retried |')
  console.log('|---|---|---|---|---|---|---|---|---|---|---|')
  for (const row of figures) {
    const rate = row.calls / row.seconds
    console.log(
      `| ${row.account} | ${row.sims.toLocaleString('en-US')} | ${rate.toFixed(1)} / ${row.allowed} | ${((rate / row.allowed) * 100).toFixed(0)}% | ${(row.seconds / 60).toFixed(2)} | ${row.readings.toLocaleString('en-US')} | ${row.calls.toLocaleString('en-US')} | ${row.errors.toLocaleString('en-US')} | ${row.refused} | ${row.retries.toLocaleString('en-US')} | ${row.jobsRetried} |`,
    )
  }
  for (const row of figures) {
    const share = row.calls / row.seconds / row.allowed
    console.log(`- ${row.account}, ${row.sims.toLocaleString('en-US')} SIMs: at least ${SYNC_FAULTS_TARGET * 100}% of the allowed rate with ${row.errorRate * 100}% errors: ${share >= SYNC_FAULTS_TARGET ? 'met' : 'NOT met'} (${(share * 100).toFixed(0)}%)`)
  }
}
