/**
 * A session on a Mobility provider (issue 21): the fleet of examples/mobility written straight into the
 * store, optimized by optimization group end to end. In-process on SQLite with the local queue.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { priceAssignment } from '../../src/domain/index.js'
import { readMobilityFiles } from '../../src/io/index.js'
import { LocalQueue } from '../../src/jobs/local-queue.js'
import { startSession } from '../../src/jobs/sessions.js'
import { startWorker } from '../../src/jobs/worker.js'
import {
  ensurePeriod,
  ensureProvider,
  ensureTenant,
  importFleet,
  instanceReport,
  loadProblem,
  migrate,
  openStore,
  readOptimizationGroups,
  unpricedCommPlans,
  upsertDevices,
  upsertVoiceSmsUsage,
  type Store,
} from '../../src/store/index.js'
import { EXAMPLES } from '../helpers/paths.js'
import { eventually } from '../helpers/service-env.js'
import { freshPostgresDatabase } from '../helpers/services.js'
import { tempDir } from '../helpers/temp-dir.js'

const config = loadConfig({ SIMOPT_DATABASE_URL: 'sqlite::memory:', SIMOPT_JOB_LEASE_MS: '5000' })
const REQUEST = { tenant: 'acme', provider: 'att-mobility', period: '2026-11', trigger: 'manual' } as const
const HEAVY_TALKER = '8901410000000000002'

async function mobilityStore(url?: string): Promise<Store> {
  const store = openStore(url ?? `sqlite:${path.join(await tempDir(), 'simopt.db')}`)
  await migrate(store)
  const problem = await readMobilityFiles(
    { plans: path.join(EXAMPLES, 'mobility', 'plans.csv'), sims: path.join(EXAMPLES, 'mobility', 'sims.csv') },
    { periodDays: 30, prorate: false },
  )
  await store.db.transaction().execute(async (trx) => {
    const tenantId = await ensureTenant(trx, REQUEST.tenant)
    const provider = await ensureProvider(trx, tenantId, REQUEST.provider, { integration: 'files', timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0, settings: { fleet: 'mobility' } })
    await importFleet(trx, store.dialect, provider, await ensurePeriod(trx, provider, REQUEST.period), problem)
  })
  return store
}

async function providerAndPeriod(store: Store) {
  const provider = await store.db.selectFrom('service_providers').selectAll().where('name', '=', REQUEST.provider).executeTakeFirstOrThrow()
  const period = await store.db.selectFrom('billing_periods').selectAll().where('provider_id', '=', provider.id).executeTakeFirstOrThrow()
  return { provider, period }
}

const BACKENDS = {
  sqlite: async () => mobilityStore(),
  postgres: async (t: TestContext) => {
    const url = await freshPostgresDatabase(t)
    return url === undefined ? undefined : mobilityStore(url)
  },
}

describe('a session on a Mobility provider', () => {
  for (const [backend, open] of Object.entries(BACKENDS)) it(`stores the optimization groups and the plans' types and bundles, and records voice and SMS without touching data usage (${backend})`, async (t) => {
    const store = await open(t)
    if (store === undefined) return
    try {
      const { provider, period } = await providerAndPeriod(store)
      assert.deepEqual(await readOptimizationGroups(store.db, provider.id), [
        { name: 'SALES', planCodes: ['BUS-VD-2GB', 'BUS-VD-5GB', 'BUS-VD-UNL-TALK', 'BUS-DATA-2GB', 'BUS-DATA-10GB'] },
        { name: 'FIELD', planCodes: ['HS-10GB', 'HS-30GB'] },
      ])
      const before = await store.db.selectFrom('usage_readings').selectAll().where('iccid', '=', HEAVY_TALKER).executeTakeFirstOrThrow()
      await upsertVoiceSmsUsage(store.db, period.id, [{ iccid: HEAVY_TALKER, voiceMinutes: 2000, sms: 1500, measuredAt: period.starts_at + 86_400_000 }])
      const after = await store.db.selectFrom('usage_readings').selectAll().where('iccid', '=', HEAVY_TALKER).executeTakeFirstOrThrow()
      assert.equal(after.usage_mb, before.usage_mb)
      assert.equal(after.voice_min, 2000)
      assert.equal(after.sms, 1500)
      // The data reading's time is the data's: voice and SMS coming in leave it, so old data is not taken for fresh.
      assert.equal(after.read_at, before.read_at)
      assert.equal(after.measured_at, before.measured_at)

      const { problem } = await loadProblem(store, provider, period, period.starts_at + 10 * 86_400_000)
      assert.equal(problem.fleet, 'mobility')
      const i = problem.sims.iccid.indexOf(HEAVY_TALKER)
      assert.equal(problem.sims.voiceMinutes![i], 2000)
      const small = problem.plans.find((plan) => plan.code === 'BUS-VD-2GB')!
      assert.deepEqual(small.voice, { included: 450, blockSize: 1, blockPrice: 0.25 })
      assert.equal(small.type, 'voice+data')
      assert.deepEqual(problem.pools.map((pool) => pool.name), ['SALES', 'FIELD'])

      // A carrier's own communication plan on a synced device asks no one for its rate plans on a Mobility provider.
      const synced = { iccid: '8901410000000009999', status: 'ACTIVATED', commPlan: 'ATT-BUSINESS-APN', ratePlan: 'BUS-VD-2GB' }
      const { commPlansAdded } = await upsertDevices(store.db, provider.id, [synced], Date.now())
      assert.equal(commPlansAdded, 1)
      assert.deepEqual(await unpricedCommPlans(store.db, provider.id), [])
    } finally {
      await store.close()
    }
  })

  it('optimizes by optimization group end to end: SIMs stay in their group and type, and the results price as the cost model says', async () => {
    const store = await mobilityStore()
    const queue = new LocalQueue(store, 'test-worker', config.jobLeaseMs)
    const worker = await startWorker(config, store, queue, 'test-worker', 2)
    try {
      const id = await startSession(store, queue, config, REQUEST)
      const session = await eventually('the session to end', async () => {
        const row = await store.db.selectFrom('sessions').select(['status', 'message']).where('id', '=', id).executeTakeFirstOrThrow()
        return ['done', 'failed'].includes(row.status) ? row : undefined
      })
      assert.equal(session.status, 'done', session.message ?? '')
      const instance = await store.db.selectFrom('instances').selectAll().where('session_id', '=', id).executeTakeFirstOrThrow()
      const results = await store.db.selectFrom('results').selectAll().where('instance_id', '=', instance.id).orderBy('iccid').execute()
      assert.equal(results.length, 40)
      const plans = new Map((await store.db.selectFrom('rate_plans').select(['code', 'rate_plan_type', 'pool']).execute()).map((row) => [row.code, row]))
      let changes = 0
      for (const row of results) {
        const from = plans.get(row.current_plan)!
        const to = plans.get(row.new_plan)!
        assert.equal(to.rate_plan_type, from.rate_plan_type, `${row.iccid} changed type`)
        assert.equal(to.pool, from.pool, `${row.iccid} changed optimization group`)
        if (row.new_plan !== row.current_plan) changes++
      }
      assert.ok(changes > 0)
      assert.ok(instance.cost_after! < instance.cost_before!)

      // The stored result is the cost model's price of the stored assignment (voice and SMS included).
      const { provider, period } = await providerAndPeriod(store)
      const { problem } = await loadProblem(store, provider, period, Date.now())
      const byIccid = new Map(results.map((row) => [row.iccid, row.new_plan]))
      const assignment = Int32Array.from(problem.sims.iccid, (iccid) => problem.plans.findIndex((plan) => plan.code === byIccid.get(iccid)))
      const priced = priceAssignment(problem, assignment)
      assert.ok(Math.abs(priced.total - instance.cost_after!) < 1e-6, `${priced.total} vs ${instance.cost_after}`)
      assert.ok(priced.totalSms > 0)

      // The session's report says Mobility, and its rows carry each SIM's SMS and voice minutes.
      const report = await instanceReport(store, instance.id)
      assert.equal(report.summary.fleet, 'mobility')
      let talker
      for await (const line of report.assignments()) if (line.iccid === HEAVY_TALKER) talker = line
      assert.equal(talker?.voiceMinutes, 475)
      assert.equal(talker?.smsCount, 296)
    } finally {
      await worker.stop()
      await store.close()
    }
  })
})
