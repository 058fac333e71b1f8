/**
 * A session for a Jasper provider syncs its devices and usage from the carrier (the simulator, over real
 * HTTP) before optimizing: every device arrives exactly once, even when a page changes mid-crawl, usage is
 * read in bulk where the carrier allows it and per device where not, and the session ends with a result
 * for every SIM.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startJasperSimulator, type JasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../../src/carriers/jasper/simulator/simulated-fleet.js'
import { billingPeriodAt } from '../../src/domain/index.js'
import { eventually, sessionEnd, simopt, simoptOk, sqliteLocal, startWorkerProcess, stopWorkerProcess, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('carrier sync in a session', () => {
  let simulator: JasperSimulator
  before(async () => {
    // The page-changing fault on: after page 2 of every crawl, a device of that page changes plan.
    simulator = await startJasperSimulator({ sims: 400, seed: 5, rateLimit: 100, shiftDuringCrawl: 2 })
  })
  after(() => simulator.close())

  async function setUp(folder: string): Promise<{ env: ServiceEnv; period: string }> {
    const env = { ...sqliteLocal(folder), SIMOPT_SECRET_KEY: 'sync test key, long enough', SIMOPT_MAX_PAGES_PER_JOB: '3' }
    // A prorating provider: new devices' activation dates are read from their details.
    await simoptOk(env, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', '80', '--prorate'])
    const prices = await writeSimulatedPriceSheet(path.join(folder, 'prices'), simulator.fleet)
    const period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
    await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
    return { env, period }
  }

  it('syncs every device exactly once and its usage, then optimizes all of them', async () => {
    const folder = await tempDir()
    const { env, period } = await setUp(folder)
    const run = await simoptOk(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period, '--wait'])
    const session = run.stdout.trim()
    const store = storeFor(env)
    try {
      const fleet = simulator.fleet.devices()
      const devices = await store.db.selectFrom('devices').select(['iccid', 'comm_plan', 'activated_at', 'msisdn']).execute()
      assert.equal(devices.length, fleet.length)
      assert.deepEqual(new Set(devices.map((d) => d.iccid)), new Set(fleet.map((d) => d.iccid)))
      for (const device of devices) {
        const simulated = simulator.fleet.device(device.iccid)!
        assert.equal(device.activated_at, simulated.dateActivated, `activation date of ${device.iccid}, to the millisecond`)
        assert.equal(device.msisdn, simulated.msisdn)
      }
      assert.ok(simulator.stats.shiftedIccids.length >= 1, 'a page changed during the crawl')

      const readings = await store.db.selectFrom('usage_readings').select(['iccid', 'measured_at']).execute()
      assert.equal(readings.length, fleet.length)
      assert.ok(readings.every((reading) => reading.measured_at !== null))
      assert.ok((simulator.stats.calls['GET /usages'] ?? 0) > 0, 'bulk usage for unpooled plans')
      assert.ok((simulator.stats.calls['GET /devices/{iccid}/ctdUsages'] ?? 0) > 0, 'per-device usage for pooled plans')
      assert.equal(simulator.stats.maxInFlight, 1)

      const sync = await store.db.selectFrom('syncs').selectAll().executeTakeFirstOrThrow()
      assert.equal(sync.stage, 'done')
      assert.ok(sync.devices_seen >= fleet.length)
      assert.equal(sync.devices_added, fleet.length)
      assert.equal(sync.usage_rows, fleet.length)
      assert.ok(sync.calls > 10)
      const jobs = await store.db.selectFrom('jobs').select('type').where('type', 'like', 'sync-%').execute()
      assert.ok(jobs.length > 4, `the sync went on over several jobs, got ${jobs.length}`)

      const results = await store.db.selectFrom('results').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      assert.equal(Number(results.n), fleet.length)
      const status = await simoptOk(env, ['status', session])
      // The device changed mid-crawl is read by the catch-up crawl; if it changed within the second the
      // window ends in (the carrier counts whole seconds) the crawl read it too: then it is seen once more
      // and updated once. Either way every device is added exactly once.
      const counts = /devices\s+(\d+) seen\s+(\d+) added, (\d+) updated/.exec(status.stdout)
      assert.ok(counts !== null, status.stdout)
      const [seen, added, updated] = counts.slice(1).map(Number) as [number, number, number]
      assert.equal(added, fleet.length)
      assert.ok(updated <= 1 && seen === fleet.length + updated, `seen ${seen}, updated ${updated}`)
      assert.match(status.stdout, new RegExp(`usage readings\\s+${fleet.length}`))
      const transitions = await store.db.selectFrom('state_transitions').select('to_status').where('entity_id', '=', session).orderBy('seq').execute()
      assert.deepEqual(transitions.map((t) => t.to_status), ['pending', 'syncing', 'optimizing', 'finalizing', 'done'])
    } finally {
      await store.close()
    }
  })

  it('optimizes what is stored, without calling the carrier, when told --no-sync', async () => {
    const folder = await tempDir()
    const { env, period } = await setUp(folder)
    const calls = Object.values(simulator.stats.calls).reduce((sum, n) => sum + n, 0)
    // Nothing is stored for this provider's fleet yet, so the session fails for want of devices, and
    // says so, having asked the carrier nothing.
    const run = await simopt(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period, '--no-sync', '--wait'])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /no devices with usage in this period/)
    assert.equal(Object.values(simulator.stats.calls).reduce((sum, n) => sum + n, 0), calls)
  })
})

describe('a carrier sync whose worker is killed', () => {
  it('resumes from the last page committed, and every device arrives exactly once', async () => {
    // A slow carrier (30 ms a call; a page of 50 devices is 51 calls with their details) so that the worker dies mid-sync.
    const simulator = await startJasperSimulator({ sims: 600, seed: 9, rateLimit: 100, latencyMs: 30 })
    try {
      const folder = await tempDir()
      const env = { ...sqliteLocal(folder, 2000), SIMOPT_SECRET_KEY: 'sync test key, long enough', SIMOPT_MAX_PAGES_PER_JOB: '2' }
      await simoptOk(env, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', '80'])
      const prices = await writeSimulatedPriceSheet(path.join(folder, 'prices'), simulator.fleet)
      const period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
      await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
      const session = (await simoptOk(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period])).stdout.trim()
      const store = storeFor(env)
      const first = startWorkerProcess(env)
      let second: ReturnType<typeof startWorkerProcess> | undefined
      try {
        // Killed once some pages are committed and more are being read.
        await eventually('part of the device sync to be committed', async () => {
          const sync = await store.db.selectFrom('syncs').select(['next_page', 'last_page']).executeTakeFirst()
          return sync !== undefined && sync.next_page !== null && sync.last_page !== null && sync.next_page < sync.last_page && sync.next_page > 2 ? sync : undefined
        })
        first.kill('SIGKILL')
        const killedAt = await store.db.selectFrom('syncs').select(['next_page', 'devices_seen']).executeTakeFirstOrThrow()
        second = startWorkerProcess(env)
        const done = await sessionEnd(store, session)
        assert.equal(done.status, 'done', done.message ?? '')
        const devices = await store.db.selectFrom('devices').select('iccid').execute()
        assert.equal(devices.length, simulator.fleet.size)
        const sync = await store.db.selectFrom('syncs').selectAll().executeTakeFirstOrThrow()
        assert.equal(sync.devices_added, simulator.fleet.size, 'each device added once')
        assert.ok(killedAt.devices_seen > 0 && killedAt.devices_seen < simulator.fleet.size, 'the kill came mid-sync')
        // Resumed, not started over: pages are read at most twice (the job in hand when the worker died).
        assert.ok((simulator.stats.calls['GET /devices'] ?? 0) < 2 * Math.ceil(simulator.fleet.size / 50) + 20)
        const results = await store.db.selectFrom('results').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
        assert.equal(Number(results.n), simulator.fleet.size)
      } finally {
        first.kill('SIGKILL')
        if (second !== undefined) await stopWorkerProcess(second)
        await store.close()
      }
    } finally {
      await simulator.close()
    }
  })
})
