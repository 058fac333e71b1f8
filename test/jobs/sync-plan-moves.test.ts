/**
 * Regression: SIMs whose rate plan changed while usage was read plan by plan were dropped. A SIM moved from a
 * plan not read yet onto one read already is on neither plan's pages; it had no reading, so it was left out
 * of pricing and changes without a word, while the summary counted the rows returned as "usage readings".
 * A SIM moved the other way was priced on the plan it had left.
 * Now every billed SIM without a reading is read on its own (which also gives its plan now), and a session
 * that still cannot price a SIM says so in its summary, `simopt status` and the results e-mail.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { simpleParser } from 'mailparser'
import { startJasperSimulator, type JasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../../src/carriers/jasper/simulator/simulated-fleet.js'
import { billingPeriodAt } from '../../src/domain/index.js'
import { eventually, sessionEnd, simopt, simoptOk, sqliteLocal, startWorkerProcess, stopWorkerProcess, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

/** Half onto plans already read (on no plan's pages), half onto plans not read yet (on two plans' pages). */
const MOVES = 4
// Made here, not in a hook or test, so that it lasts until the file's tests are all done.
const folder = await tempDir()

describe('plan changes during the usage sync', () => {
  let simulator: JasperSimulator
  let env: ServiceEnv
  let period: string
  before(async () => {
    simulator = await startJasperSimulator({ sims: 300, seed: 17, rateLimit: 300, shiftDuringUsage: MOVES })
    // Few calls a job: the device-by-device pass goes on over several jobs.
    env = { ...sqliteLocal(folder), SIMOPT_SECRET_KEY: 'plan move test key, long enough', SIMOPT_MAX_PAGES_PER_JOB: '4' }
    await simoptOk(env, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', '250'])
    const prices = await writeSimulatedPriceSheet(path.join(folder, 'prices'), simulator.fleet)
    period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
    await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
  })
  after(() => simulator.close())

  it('prices every synced SIM, each on the plan it is really on', async () => {
    const run = await simoptOk(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period, '--wait'])
    const session = run.stdout.trim()
    const store = storeFor(env)
    try {
      const moved = simulator.stats.usageShiftedIccids
      assert.equal(moved.length, MOVES, 'the simulator moved SIMs while the plans were read')
      const fleet = simulator.fleet.devices()
      const results = new Map((await store.db.selectFrom('results').select(['iccid', 'current_plan']).execute()).map((row) => [row.iccid, row.current_plan]))
      const devices = new Map((await store.db.selectFrom('devices').select(['iccid', 'rate_plan']).execute()).map((row) => [row.iccid, row.rate_plan]))
      assert.equal(results.size, fleet.length, 'every SIM priced')
      for (const device of fleet) {
        assert.equal(devices.get(device.iccid), device.ratePlan, `stored plan of ${device.iccid}`)
        assert.equal(results.get(device.iccid), device.ratePlan, `plan ${device.iccid} is priced on`)
      }
      const sync = await store.db.selectFrom('syncs').select(['usage_rows']).executeTakeFirstOrThrow()
      assert.equal(sync.usage_rows, fleet.length)
      const status = await simoptOk(env, ['status', session])
      assert.match(status.stdout, new RegExp(`usage readings\\s+${fleet.length}\\n`))
      assert.match(status.stdout, new RegExp(`SIMs\\s+${fleet.length}\\n`), 'nothing to say when every SIM is priced')
    } finally {
      await store.close()
    }
  })

  it('says how many SIMs it could not price, and why, in the summary, status and results e-mail', async () => {
    const store = storeFor(env)
    try {
      const period_ = await store.db.selectFrom('billing_periods').select('id').where('name', '=', period).executeTakeFirstOrThrow()
      const unread = simulator.fleet.devices().slice(0, 2).map((device) => device.iccid)
      await store.db.deleteFrom('usage_readings').where('period_id', '=', period_.id).where('iccid', 'in', unread).execute()
      const total = simulator.fleet.size
      const expected = `priced ${total - 2} of ${total} SIMs: 2 without usage (2 without a usage reading for the period: ${unread.join(', ')})`

      const run = await simopt(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period, '--no-sync', '--wait'])
      assert.equal(run.code, 0, run.stderr)
      const session = run.stdout.trim()
      assert.ok(run.stderr.includes(expected), run.stderr)
      const status = await simoptOk(env, ['status', session])
      assert.ok(status.stdout.includes(expected), status.stdout)
      const mail = await store.db.selectFrom('outbox').select('body').where('session_id', '=', session).where('kind', '=', 'results').executeTakeFirstOrThrow()
      const text = (await simpleParser(Buffer.from(mail.body))).text ?? ''
      assert.ok(text.replace(/\s+/g, ' ').includes(`Not every SIM is in these figures: ${expected}.`), text)
    } finally {
      await store.close()
    }
  })

  it('says so when a SIM synced is gone from the carrier account by the time its usage is read', async () => {
    const store = storeFor(env)
    const worker = startWorkerProcess(env)
    try {
      // The last SIM of a shared plan: read on its own, last of all, so there is time to take it away.
      const gone = simulator.fleet.devices().findLast((device) => simulator.fleet.plan(device.ratePlan)?.shared === true)!.iccid
      const total = simulator.fleet.size
      const session = (await simoptOk(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period])).stdout.trim()
      await eventually('the usage sync to begin', async () => {
        const sync = await store.db.selectFrom('syncs').innerJoin('instances', 'instances.id', 'syncs.instance_id').select('syncs.stage').where('instances.session_id', '=', session).executeTakeFirst()
        return sync?.stage === 'usage' ? sync : undefined
      })
      simulator.fleet.remove(gone)
      const done = await sessionEnd(store, session)
      assert.equal(done.status, 'done', done.message ?? '')
      const status = await simoptOk(env, ['status', session])
      const expected = `priced ${total - 1} of ${total} SIMs: 1 without usage (1 not found at the carrier when their usage was read: ${gone})`
      assert.ok(status.stdout.includes(expected), status.stdout)
      assert.match(status.stdout, new RegExp(`usage readings\\s+${total - 1}\\n`))
    } finally {
      await stopWorkerProcess(worker)
      await store.close()
    }
  })
})
