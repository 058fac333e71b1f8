/**
 * A billing cycle that ends on day 1 can be synced: a provider whose cycles end at hour 0 of day 1 (the
 * calendar month) syncs the simulator's current cycle over real HTTP, in UTC and in a zone east of it, and a
 * period the carrier no longer serves fails at once, naming the provider, the period and the carrier's code.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startJasperSimulator, type JasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../../src/carriers/jasper/simulator/simulated-fleet.js'
import { billingPeriod, billingPeriodAt, type BillingCycle } from '../../src/domain/index.js'
import { simopt, simoptOk, sqliteLocal, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const UTC_MONTHS: BillingCycle = { timeZone: 'UTC', cycleEndDay: 1, cycleEndHour: 0 }
const TOKYO_MONTHS: BillingCycle = { timeZone: 'Asia/Tokyo', cycleEndDay: 1, cycleEndHour: 0 }

/** A provider on `simulator` with `cycle`, its price sheet imported for `period`. */
async function providerOn(simulator: JasperSimulator, cycle: BillingCycle, period: string): Promise<ServiceEnv> {
  const folder = await tempDir()
  const env = { ...sqliteLocal(folder), SIMOPT_SECRET_KEY: 'cycle sync test key, long enough' }
  const cycleArgs = ['--time-zone', cycle.timeZone, '--cycle-end-day', String(cycle.cycleEndDay), '--cycle-end-hour', String(cycle.cycleEndHour)]
  await simoptOk(env, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', '80', ...cycleArgs])
  const prices = await writeSimulatedPriceSheet(path.join(folder, 'prices'), simulator.fleet)
  await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
  return env
}

describe('a billing cycle that ends on day 1', () => {
  let utc: JasperSimulator
  let tokyo: JasperSimulator
  before(async () => {
    utc = await startJasperSimulator({ sims: 150, seed: 4, rateLimit: 100, cycle: UTC_MONTHS })
    tokyo = await startJasperSimulator({ sims: 150, seed: 4, rateLimit: 100, cycle: TOKYO_MONTHS })
  })
  after(async () => {
    await utc.close()
    await tokyo.close()
  })

  for (const [name, cycle, simulator] of [['UTC', UTC_MONTHS, () => utc], ['Asia/Tokyo', TOKYO_MONTHS, () => tokyo]] as const) {
    it(`syncs the current calendar month from the carrier (${name})`, async () => {
      const period = billingPeriodAt(Date.now(), cycle)
      const env = await providerOn(simulator(), cycle, period.name)
      const run = await simopt(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period.name, '--wait'])
      assert.equal(run.code, 0, run.stderr)
      const store = storeFor(env)
      try {
        const stored = await store.db.selectFrom('billing_periods').select(['starts_at', 'ends_at']).where('name', '=', period.name).executeTakeFirstOrThrow()
        assert.deepEqual([stored.starts_at, stored.ends_at], [period.start, period.end])
        assert.equal(simulator().fleet.cycleAt(Date.now()).start, period.start, 'the carrier bills the same cycle')
        const readings = await store.db.selectFrom('usage_readings').select('iccid').execute()
        assert.equal(readings.length, simulator().fleet.size)
        assert.ok((simulator().stats.calls['GET /usages'] ?? 0) > 0, 'usage by rate plan, for the cycle asked by its start date')
        assert.equal(simulator().stats.rejections['10000028'], undefined, 'no cycle refused')
      } finally {
        await store.close()
      }
    })
  }

  it('fails a period the carrier no longer serves at once, naming provider, period and the carrier code', async () => {
    const current = billingPeriodAt(Date.now(), UTC_MONTHS)
    const previous = billingPeriodAt(current.start - 1, UTC_MONTHS)
    assert.equal(previous.end, current.start)
    const env = await providerOn(utc, UTC_MONTHS, previous.name)
    const run = await simopt(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', previous.name, '--wait'])
    assert.equal(run.code, 1)
    const startDate = new Date(billingPeriod(previous.name, UTC_MONTHS).start).toISOString().slice(0, 10)
    assert.match(run.stderr, new RegExp(`provider main, period ${previous.name}: the carrier refused the call, not retried: GET \\S+cycleStartDate=${startDate}\\S*: 10000028 Invalid cycleStartDate`))
    const store = storeFor(env)
    try {
      // Pooled plans are read SIM by SIM, with no cycle to ask for: the job that asks for the cycle fails.
      const jobs = await store.db.selectFrom('jobs').select(['status', 'attempts']).where('type', '=', 'sync-usage').execute()
      assert.deepEqual(jobs.filter((job) => job.status === 'failed'), [{ status: 'failed', attempts: 1 }], 'not retried')
      assert.ok(jobs.every((job) => job.attempts === 1))
    } finally {
      await store.close()
    }
  })
})
