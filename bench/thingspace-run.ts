/**
 * Issue 19's sync figure: a session's carrier sync from the ThingSpace simulator over real HTTP, as a user
 * runs it (`simopt provider add --integration thingspace`, `import` of the price sheet, `run --wait`):
 * ThingSpace has no usage-by-plan call, so 20k SIMs cost 20k usage calls, and what matters is the call rate
 * reached against the rate the account is allowed. Checks that every SIM was synced and priced once (one
 * usage call each, more only to retry a call the carrier throttled) and prints how many it throttled. The
 * push figure is thingspace-push.ts.
 */
import path from 'node:path'
import { writeThingSpacePriceSheet } from '../src/carriers/thingspace/simulator/price-sheet.js'
import { startThingSpaceSimulator, type ThingSpaceSimulator } from '../src/carriers/thingspace/simulator/thingspace-simulator.js'
import { billingPeriodAt } from '../src/domain/index.js'
import { openStore } from '../src/store/database.js'
import { simopt } from './sync-run.js'

export const THINGSPACE_SYNC_SIMS = 20_000
/** The simulator's allowed calls per second, and the provider's limiter set to it, as a user would. */
export const THINGSPACE_SYNC_LIMIT = 50

export interface ThingSpaceSyncFigures {
  readonly sims: number
  readonly limit: number
  readonly calls: number
  readonly usageCalls: number
  readonly billed: number
  readonly devicesSynced: number
  /** Rows of the session's results (a SIM priced), and the distinct SIMs among them. */
  readonly pricedRows: number
  readonly pricedSims: number
  readonly throttled: number
  readonly seconds: number
  readonly sessionSeconds: number
  readonly checks: readonly ThingSpaceCheck[]
}

export interface ThingSpaceCheck {
  readonly what: string
  readonly passed: boolean
  readonly figure: string
}

export function benchEnv(folder: string, name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SIMOPT_DATABASE_URL: `sqlite:${path.join(folder, `${name}.db`)}`,
    SIMOPT_SECRET_KEY: 'benchmark key, long enough',
    SIMOPT_QUEUE: 'local',
    SIMOPT_SCHEDULE_CRON: 'off',
    // The simulator listens on 127.0.0.1.
    SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'true',
    ...extra,
  }
}

/** `provider add --integration thingspace` and the price sheet imported: what a user does before a session. */
export async function addThingSpaceProvider(env: Record<string, string>, folder: string, simulator: ThingSpaceSimulator, limit: number): Promise<string> {
  await simopt(env, [
    'provider', 'add', '--tenant', 'bench', '--name', 'ts', '--integration', 'thingspace', '--url', simulator.url,
    '--client-id', simulator.appKey, '--client-secret', simulator.appSecret, '--user', simulator.username, '--password', simulator.password,
    '--account', simulator.account.accountName, '--calls-per-second', String(limit), '--calls-in-flight', '4',
  ])
  const prices = await writeThingSpacePriceSheet(path.join(folder, `ts-prices-${simulator.account.size}`), simulator.account)
  const period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
  await simopt(env, ['import', '--tenant', 'bench', '--provider', 'ts', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
  return period
}

export const throttledCalls = (simulator: ThingSpaceSimulator) =>
  Object.entries(simulator.stats.rejections).reduce((sum, [code, count]) => sum + (code.includes('RequestThrottled') ? count : 0), 0)

export async function thingspaceSyncRun(folder: string, sims = THINGSPACE_SYNC_SIMS, limit = THINGSPACE_SYNC_LIMIT): Promise<ThingSpaceSyncFigures> {
  const simulator = await startThingSpaceSimulator({ sims, seed: 19, rateLimit: limit })
  try {
    const env = benchEnv(folder, `ts-sync-${sims}`)
    const period = await addThingSpaceProvider(env, folder, simulator, limit)
    const run = await simopt(env, ['run', '--tenant', 'bench', '--provider', 'ts', '--period', period, '--wait'])
    const store = openStore(env.SIMOPT_DATABASE_URL!)
    try {
      const sync = await store.db.selectFrom('syncs').selectAll().executeTakeFirstOrThrow()
      const devices = await store.db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      const instance = await store.db.selectFrom('instances').select('id').executeTakeFirstOrThrow()
      const priced = await store.db
        .selectFrom('results')
        .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('iccid').distinct().as('sims')])
        .where('instance_id', '=', instance.id)
        .executeTakeFirstOrThrow()
      // Deactivated lines are not billed: the sync reads no usage for them.
      const billed = simulator.account.devices().filter((device) => device.state !== 'deactive').length
      const usageCalls = simulator.stats.calls['POST /devices/usage/actions/list'] ?? 0
      const seconds = ((sync.finished_at ?? Number.NaN) - sync.started_at) / 1000
      const throttled = throttledCalls(simulator)
      const figures = { sims, limit, calls: sync.calls, usageCalls, billed, devicesSynced: Number(devices.n), pricedRows: Number(priced.rows), pricedSims: Number(priced.sims), throttled, seconds, sessionSeconds: run.seconds }
      return { ...figures, checks: syncChecks(figures) }
    } finally {
      await store.close()
    }
  } finally {
    await simulator.close()
  }
}

function syncChecks(row: Omit<ThingSpaceSyncFigures, 'checks'>): ThingSpaceCheck[] {
  const rate = row.calls / row.seconds
  return [
    { what: 'every SIM synced', passed: row.devicesSynced === row.sims, figure: `${row.devicesSynced} of ${row.sims}` },
    { what: 'every billed SIM priced once', passed: row.pricedRows === row.billed && row.pricedSims === row.billed, figure: `${row.pricedRows} priced rows, ${row.pricedSims} distinct SIMs, ${row.billed} billed` },
    // A 429 is the carrier's ordinary signal (the limiter and the simulator count the second differently, and
    // a stalled event loop sends a burst): the call is retried, which is fine, as long as no other call is repeated.
    {
      what: 'one usage call a billed SIM, more only to retry a 429',
      passed: row.usageCalls >= row.billed && row.usageCalls - row.billed <= row.throttled,
      figure: `${row.usageCalls} usage calls, ${row.billed} billed SIMs, ${row.throttled} answers 429 (${((100 * row.throttled) / row.calls).toFixed(2)}% of calls)`,
    },
    { what: 'at least 80% of the allowed call rate', passed: rate >= 0.8 * row.limit, figure: `${rate.toFixed(1)} of ${row.limit} calls/s` },
  ]
}

export function printChecks(checks: readonly ThingSpaceCheck[]): void {
  for (const check of checks) console.log(`- ${check.what}: ${check.passed ? 'passed' : 'FAILED'} (${check.figure})`)
}

export function printThingSpaceSyncRun(row: ThingSpaceSyncFigures): void {
  console.log('\n## Carrier sync from the ThingSpace simulator (a session: devices by cursor, then usage device by device)\n')
  console.log('| SIMs | allowed calls/s | calls | usage calls | sync s | sync min | calls/s reached | % of allowed | throttled (429) | whole session s |')
  console.log('|---|---|---|---|---|---|---|---|---|---|')
  const rate = row.calls / row.seconds
  console.log(
    `| ${row.sims.toLocaleString('en-US')} | ${row.limit} | ${row.calls.toLocaleString('en-US')} | ${row.usageCalls.toLocaleString('en-US')} | ${row.seconds.toFixed(1)} | ${(row.seconds / 60).toFixed(1)} | ${rate.toFixed(1)} | ${((100 * rate) / row.limit).toFixed(0)}% | ${row.throttled} | ${row.sessionSeconds.toFixed(1)} |`,
  )
  console.log('')
  printChecks(row.checks)
}
