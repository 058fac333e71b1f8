/**
 * Issue 5's figures: a session's carrier sync from the Jasper simulator over real HTTP, as a user runs it
 * (`simopt provider add`, `import` of the price sheet, `run --wait`): calls made, seconds, calls per second
 * achieved against the account's limit, calls refused as over it, and the calls a sync reading usage
 * device by device would have needed (the list pages plus one `ctdUsages` per device).
 */
import path from 'node:path'
import { startJasperSimulator } from '../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../src/carriers/jasper/simulator/simulated-fleet.js'
import { billingPeriodAt } from '../src/domain/index.js'
import { openStore } from '../src/store/database.js'
import { measureNodeProcess } from './measure.js'

const CLI = path.join(import.meta.dirname, '../src/cli/main.js')

export interface SyncFigures {
  readonly sims: number
  readonly limit: number
  readonly calls: number
  readonly seconds: number
  readonly refused: number
  readonly perDeviceCalls: number
  readonly sessionSeconds: number
}

export const SYNC_CASES = [
  { sims: 10_000, limit: 5 },
  { sims: 100_000, limit: 200 },
] as const

/** Runs the CLI as a user would; shared with the other sync sections. */
export async function simopt(env: Record<string, string>, args: readonly string[]) {
  const run = await measureNodeProcess(CLI, args, Infinity, env)
  if (run.code !== 0) throw new Error(`simopt ${args[0]} failed (exit ${run.code}): ${run.stderr}`)
  return run
}

export async function syncRun(folder: string, sims: number, limit: number): Promise<SyncFigures> {
  const simulator = await startJasperSimulator({ sims, seed: 11, rateLimit: limit })
  try {
    const env = { SIMOPT_DATABASE_URL: `sqlite:${path.join(folder, `sync-${sims}.db`)}`, SIMOPT_SECRET_KEY: 'benchmark key, long enough', SIMOPT_QUEUE: 'local', SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'true' }
    await simopt(env, ['provider', 'add', '--tenant', 'bench', '--name', 'sim', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', String(limit)])
    const prices = await writeSimulatedPriceSheet(path.join(folder, `prices-${sims}`), simulator.fleet)
    const period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
    await simopt(env, ['import', '--tenant', 'bench', '--provider', 'sim', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
    const run = await simopt(env, ['run', '--tenant', 'bench', '--provider', 'sim', '--period', period, '--wait'])
    const store = openStore(env.SIMOPT_DATABASE_URL)
    try {
      const sync = await store.db.selectFrom('syncs').selectAll().executeTakeFirstOrThrow()
      return {
        sims,
        limit,
        calls: sync.calls,
        seconds: ((sync.finished_at ?? Number.NaN) - sync.started_at) / 1000,
        refused: simulator.stats.rejections['40000029'] ?? 0,
        perDeviceCalls: Math.ceil(simulator.fleet.size / 50) + simulator.fleet.size,
        sessionSeconds: run.seconds,
      }
    } finally {
      await store.close()
    }
  } finally {
    await simulator.close()
  }
}

export function printSyncRuns(figures: readonly SyncFigures[]): void {
  console.log('\n## Carrier sync from the Jasper simulator (a session: devices, then usage)\n')
  console.log('| SIMs | limit calls/s | calls | sync s | calls/s achieved | refused (40000029) | per-device usage sync would need | whole session s |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const row of figures) {
    console.log(
      `| ${row.sims.toLocaleString('en-US')} | ${row.limit} | ${row.calls.toLocaleString('en-US')} | ${row.seconds.toFixed(1)} | ${(row.calls / row.seconds).toFixed(2)} | ${row.refused} | ${row.perDeviceCalls.toLocaleString('en-US')} | ${row.sessionSeconds.toFixed(1)} |`,
    )
  }
}
