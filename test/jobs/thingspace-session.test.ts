/**
 * A session of a ThingSpace provider, end to end on the ThingSpace simulator over real HTTP, with a worker
 * process: `provider add --integration thingspace`, then sync (cursor pages, usage device by device), optimize,
 * report, push (asynchronous changes, their outcome asked for by request id, callbacks or not) and verify.
 * The sync reaches close to the allowed call rate (one usage call a SIM). Carrier errors, tokens revoked
 * mid-sync and a SIM suspended mid-push end every change verified or reported; a worker killed mid-push
 * sends no change twice; a SIM suspended since the sync is not sent a change; a SIM the carrier refused for
 * its 4 changes this month is not planned to move again.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { writeThingSpacePriceSheet } from '../../src/carriers/thingspace/simulator/price-sheet.js'
import { startThingSpaceSimulator, type ThingSpaceSimulator, type ThingSpaceSimulatorOptions } from '../../src/carriers/thingspace/simulator/thingspace-simulator.js'
import { PLAN_CHANGES_PER_MONTH } from '../../src/carriers/thingspace/thingspace-wire.js'
import type { Store } from '../../src/store/database.js'
import { eventually, simoptOk, sqliteLocal, startWorkerProcess, stopWorkerProcess, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { PERIOD, allEnded, changes, runSession } from '../helpers/change-sessions.js'
import { tempDir } from '../helpers/temp-dir.js'


interface Setup {
  readonly env: ServiceEnv
  readonly simulator: ThingSpaceSimulator
  readonly store: Store
}

async function setUp(simulatorOptions: ThingSpaceSimulatorOptions, extraEnv: ServiceEnv = {}): Promise<Setup> {
  const simulator = await startThingSpaceSimulator({ sims: 150, rateLimit: 200, processingMs: 200, ...simulatorOptions })
  after(() => simulator.close())
  const folder = await tempDir()
  const env: ServiceEnv = {
    ...sqliteLocal(folder, 3000),
    SIMOPT_SECRET_KEY: 'thingspace session test key, long enough',
    SIMOPT_MAX_PAGES_PER_JOB: '40',
    SIMOPT_VERIFY_DELAY_MS: '300',
    SIMOPT_DELIVERY_RETRY_MS: '200',
    ...extraEnv,
  }
  await simoptOk(env, [
    'provider', 'add', '--tenant', 'acme', '--name', 'main', '--integration', 'thingspace', '--url', simulator.url,
    '--client-id', simulator.appKey, '--client-secret', simulator.appSecret, '--user', simulator.username, '--password', simulator.password,
    '--account', simulator.account.accountName, '--calls-per-second', '100', '--calls-in-flight', '4', '--write-enabled',
  ])
  await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example'])
  const prices = await writeThingSpacePriceSheet(path.join(folder, 'prices'), simulator.account)
  await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', PERIOD, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
  const store = storeFor(env)
  after(() => store.close())
  return { env, simulator, store }
}

describe('a ThingSpace session', () => {
  it('syncs, optimizes, reports, pushes asynchronous changes and verifies them by their outcome, with a fifth of the callbacks lost', async () => {
    const setup = await setUp({ seed: 31, loseCallbacks: 0.2 })
    const worker = startWorkerProcess(setup.env)
    try {
      const { sessionId, instanceId } = await runSession(setup)
      const devices = await setup.store.db.selectFrom('devices').select(['iccid', 'rate_plan', 'comm_plan']).execute()
      assert.equal(devices.length, setup.simulator.account.size, 'every device synced by cursor')
      assert.ok(devices.every((device) => device.comm_plan === setup.simulator.account.accountName))
      // Usage rated in arrears is measured before the sync began: the sync still counts what it read.
      const priced = await setup.store.db.selectFrom('instances').select('sims').where('id', '=', instanceId).executeTakeFirstOrThrow()
      const sync = await setup.store.db.selectFrom('syncs').select('usage_rows').where('instance_id', '=', instanceId).executeTakeFirstOrThrow()
      assert.ok(priced.sims !== null && priced.sims > 0 && sync.usage_rows === priced.sims, `usage readings ${sync.usage_rows}, SIMs priced ${priced.sims}`)
      const rows = await allEnded(setup.store, instanceId)
      assert.ok(rows.length > 5, `a session with changes, got ${rows.length}`)
      assert.deepEqual(new Set(rows.map((row) => row.status)), new Set(['verified']))
      const requests = setup.simulator.changes()
      for (const row of rows) {
        assert.equal(setup.simulator.account.device(row.iccid)!.servicePlan, row.new_plan)
        assert.equal(requests.filter((request) => request.iccid === row.iccid).length, 1, `${row.iccid} sent once`)
        assert.match(row.answer ?? '', /^accepted, request /)
      }
      const audit = await simoptOk(setup.env, ['audit', '--session', sessionId, '--limit', '100000'])
      assert.equal(audit.stdout.match(/push: accepted/g)?.length, rows.length)
      assert.equal(audit.stdout.match(/verify: in place/g)?.length, rows.length)
      const report = await setup.store.db.selectFrom('outbox').select('kind').where('kind', '=', 'go-no-go').executeTakeFirst()
      assert.equal(report?.kind, 'go-no-go')
    } finally {
      await stopWorkerProcess(worker)
    }
  })

  it('syncs with one usage call a SIM, several in flight, never above the carrier limit', async (t) => {
    const setup = await setUp({ seed: 36, sims: 600, rateLimit: 60, latencyMs: 30 })
    await simoptOk(setup.env, ['provider', 'set', '--tenant', 'acme', '--name', 'main', '--calls-per-second', '50'])
    const worker = startWorkerProcess(setup.env)
    try {
      const { instanceId } = await runSession(setup)
      const sync = await setup.store.db.selectFrom('syncs').selectAll().where('instance_id', '=', instanceId).executeTakeFirstOrThrow()
      const seconds = (sync.finished_at! - sync.started_at) / 1000
      const rate = sync.calls / seconds
      t.diagnostic(`${sync.calls} calls for ${setup.simulator.account.size} SIMs in ${seconds.toFixed(1)} s: ${rate.toFixed(1)} calls/s of 50 allowed`)
      // One list call for the 600 devices, one usage call for each billed one (deactivated lines are not).
      const billed = setup.simulator.account.devices().filter((device) => device.state !== 'deactive').length
      assert.equal(sync.calls, 1 + billed)
      const throttled = Object.entries(setup.simulator.stats.rejections).filter(([code]) => code.includes('RequestThrottled'))
      assert.deepEqual(throttled, [], 'never above the carrier limit')
      // 30 ms round trips one at a time would cap the sync near 33 calls a second: it keeps several in flight
      // to reach the limiter's pace. The rate itself is the bench's to measure (`thingspace` section), not a test's.
      assert.ok(setup.simulator.stats.maxInFlight > 1, `at most ${setup.simulator.stats.maxInFlight} call in flight`)
    } finally {
      await stopWorkerProcess(worker)
    }
  })

  it('ends every change verified or reported through carrier errors, tokens revoked mid-sync and a SIM suspended mid-push', async () => {
    const setup = await setUp({ seed: 34, errorRate: 0.1, revokeTokensEvery: 40, suspendDuringPush: 2, loseCallbacks: 0.3 })
    const worker = startWorkerProcess(setup.env)
    try {
      const { instanceId } = await runSession(setup)
      const rows = await allEnded(setup.store, instanceId, 180_000)
      assert.ok(Object.values(setup.simulator.stats.rejections).reduce((sum, count) => sum + count, 0) > 0, 'the carrier did fail calls')
      assert.ok(setup.simulator.stats.sessionsOpened > 1, 'the tokens were renewed after being revoked')
      const requests = setup.simulator.changes()
      for (const row of rows) assert.ok(requests.filter((request) => request.iccid === row.iccid).length <= 1, `${row.iccid} sent at most once`)
      const [suspended] = setup.simulator.stats.suspendedIccids
      assert.ok(suspended !== undefined, 'a SIM was suspended mid-push')
      const refused = rows.find((row) => row.iccid === suspended)!
      assert.equal(refused.status, 'failed')
      assert.match(refused.answer ?? '', /did not make the change/)
      for (const row of rows.filter((r) => r.status === 'verified')) assert.equal(setup.simulator.account.device(row.iccid)!.servicePlan, row.new_plan)
      assert.ok(rows.filter((row) => row.status === 'verified').length >= rows.length - 3, JSON.stringify(rows.map((row) => [row.status, row.answer])))
    } finally {
      await stopWorkerProcess(worker)
    }
  })

  it('resumes after a worker is killed mid-push without sending a change twice', async () => {
    // Slow calls, so the kill lands while changes are being sent.
    const setup = await setUp({ seed: 33, latencyMs: 40 }, { SIMOPT_MAX_PAGES_PER_JOB: '50' })
    const first = startWorkerProcess(setup.env)
    let instanceId: string
    try {
      instanceId = (await runSession(setup)).instanceId
      await eventually('some changes pushed', async () => ((await changes(setup.store, instanceId)).filter((row) => row.status === 'pushed').length >= 3 ? true : undefined))
    } finally {
      first.kill('SIGKILL')
      await new Promise((resolve) => first.once('exit', resolve))
    }
    const midway = await changes(setup.store, instanceId)
    assert.ok(midway.some((row) => row.status === 'approved' || row.status === 'pushing'), 'the kill left changes to push')
    const second = startWorkerProcess(setup.env)
    try {
      const rows = await allEnded(setup.store, instanceId)
      assert.deepEqual(new Set(rows.map((row) => row.status)), new Set(['verified']))
      const requests = setup.simulator.changes()
      for (const row of rows) assert.equal(requests.filter((request) => request.iccid === row.iccid).length, 1, `${row.iccid} sent once`)
    } finally {
      await stopWorkerProcess(second)
    }
  })

  it('does not send a change for a SIM suspended since the sync', async () => {
    const setup = await setUp({ seed: 35 })
    await simoptOk(setup.env, ['tenant', 'set', '--tenant', 'acme', '--require-approval'])
    const worker = startWorkerProcess(setup.env)
    try {
      const { sessionId, instanceId } = await runSession(setup)
      const planned = await eventually('planned changes', async () => {
        const rows = await changes(setup.store, instanceId)
        return rows.length > 1 ? rows : undefined
      })
      const suspended = planned[0]!.iccid
      setup.simulator.account.suspend(suspended)
      await simoptOk(setup.env, ['changes', 'approve', sessionId, '--by', 'alice'])
      const rows = await allEnded(setup.store, instanceId)
      const refused = rows.find((row) => row.iccid === suspended)!
      assert.equal(refused.status, 'failed')
      assert.match(refused.answer ?? '', /^refused, the SIM is suspended: .*not sent/)
      assert.equal(setup.simulator.changes().filter((request) => request.iccid === suspended).length, 0)
      assert.ok(rows.filter((row) => row.iccid !== suspended).every((row) => row.status === 'verified'))
    } finally {
      await stopWorkerProcess(worker)
    }
  })

  it('does not plan to move a SIM the carrier refused for its 4 changes this month', async () => {
    const setup = await setUp({ seed: 32 })
    // Every SIM has had its 4 changes this month already (by another tool): every push is refused.
    const now = Date.now()
    for (const device of setup.simulator.account.devices()) {
      for (let i = 0; i < PLAN_CHANGES_PER_MONTH; i++) setup.simulator.account.countChange(device.iccid, now)
    }
    const worker = startWorkerProcess(setup.env)
    try {
      const first = await runSession(setup)
      const refused = await allEnded(setup.store, first.instanceId)
      assert.ok(refused.length > 0)
      assert.deepEqual(new Set(refused.map((row) => row.status)), new Set(['failed']))
      assert.ok(refused.every((row) => /^refused, the monthly plan changes are used up: .*ServicePlanChangeLimitReached/.test(row.answer ?? '')), refused[0]?.answer ?? '')
      const second = await runSession(setup)
      const planned = await changes(setup.store, second.instanceId)
      const again = planned.filter((row) => refused.some((old) => old.iccid === row.iccid))
      assert.deepEqual(again, [], 'SIMs at their monthly limit are kept on their plans')
    } finally {
      await stopWorkerProcess(worker)
    }
  })
})
