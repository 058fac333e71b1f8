/**
 * Rate plan changes pushed to the carrier (the Jasper simulator, over real HTTP) by worker processes:
 * all pushed and verified; with a fifth of the carrier's answers failing, every change still ends
 * verified or reported and none is applied twice; a worker killed mid-push and the push resumed without
 * resending; no-go when the period ends too soon; nothing pushed until an operator approves; a SIM moved
 * to another plan since the change was planned is skipped and reported, never overwritten.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { simpleParser } from 'mailparser'
import { startJasperSimulator, type JasperSimulator, type JasperSimulatorOptions } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../../src/carriers/jasper/simulator/simulated-fleet.js'
import type { Store } from '../../src/store/database.js'
import { eventually, simoptOk, sqliteLocal, startWorkerProcess, stopWorkerProcess, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { ENDED, PERIOD, allEnded, changes, runSession } from '../helpers/change-sessions.js'
import { tempDir } from '../helpers/temp-dir.js'


interface Setup {
  readonly env: ServiceEnv
  readonly simulator: JasperSimulator
  readonly store: Store
}

/** A simulator, a write-enabled provider on it with its price sheet, and a store to look with. */
async function setUp(simulatorOptions: JasperSimulatorOptions, extraEnv: ServiceEnv = {}): Promise<Setup> {
  const simulator = await startJasperSimulator({ sims: 200, rateLimit: 200, ...simulatorOptions })
  after(() => simulator.close())
  const folder = await tempDir()
  const env: ServiceEnv = {
    ...sqliteLocal(folder, 3000),
    SIMOPT_SECRET_KEY: 'changes test key, long enough',
    SIMOPT_MAX_PAGES_PER_JOB: '10',
    SIMOPT_VERIFY_DELAY_MS: '300',
    SIMOPT_DELIVERY_RETRY_MS: '200',
    ...extraEnv,
  }
  await simoptOk(env, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', '100', '--write-enabled'])
  await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example'])
  const prices = await writeSimulatedPriceSheet(path.join(folder, 'prices'), simulator.fleet)
  await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', PERIOD, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
  const store = storeFor(env)
  after(() => store.close())
  return { env, simulator, store }
}

function appliedOnce(simulator: JasperSimulator, iccids: readonly string[]): void {
  for (const iccid of iccids) assert.ok((simulator.fleet.ratePlanChanges.get(iccid) ?? 0) <= 1, `${iccid} changed at the carrier ${simulator.fleet.ratePlanChanges.get(iccid)} times`)
}

describe('rate plan changes', () => {
  it('are pushed after a go and verified at the carrier, each step in the audit log', async () => {
    const setup = await setUp({ seed: 21 })
    const worker = startWorkerProcess(setup.env)
    try {
      const { sessionId, instanceId } = await runSession(setup)
      const rows = await allEnded(setup.store, instanceId)
      assert.ok(rows.length > 10, `a session with changes, got ${rows.length}`)
      assert.deepEqual(new Set(rows.map((row) => row.status)), new Set(['verified']))
      for (const row of rows) {
        assert.equal(setup.simulator.fleet.device(row.iccid)!.ratePlan, row.new_plan)
        assert.equal(setup.simulator.fleet.ratePlanChanges.get(row.iccid), 1)
        assert.equal(row.attempts, 1)
        assert.equal(row.approved_by, 'system')
        assert.ok(row.pushed_at !== null && row.verified_at !== null && row.verified_at >= row.pushed_at)
      }
      const instance = await setup.store.db.selectFrom('instances').selectAll().where('id', '=', instanceId).executeTakeFirstOrThrow()
      assert.equal(instance.push_decision, 'go')
      assert.match(instance.push_reason ?? '', /changes at 60 a minute \(no earlier push: the default\)/)
      const audit = await simoptOk(setup.env, ['audit', '--session', sessionId, '--limit', '100000'])
      assert.match(audit.stdout, /system\s+decide: go/)
      assert.equal(audit.stdout.match(/push: accepted/g)?.length, rows.length)
      assert.equal(audit.stdout.match(/verify: in place/g)?.length, rows.length)
      const listed = await simoptOk(setup.env, ['changes', sessionId, '--limit', '5'])
      assert.match(listed.stdout, new RegExp(`changes: ${rows.length} verified`))
      const mail = await setup.store.db.selectFrom('outbox').select(['kind', 'subject']).where('kind', '=', 'go-no-go').executeTakeFirstOrThrow()
      assert.match(mail.subject ?? '', /rate plan changes for main/)
      // A second session measures the first push: its estimate rests on that throughput, not the default.
      const second = await runSession(setup)
      const decided = await eventually('the second decision', async () => (await setup.store.db.selectFrom('instances').select('push_reason').where('id', '=', second.instanceId).executeTakeFirstOrThrow()).push_reason ?? undefined)
      assert.doesNotMatch(decided, /the default/)
    } finally {
      await stopWorkerProcess(worker)
    }
  })

  it('end verified or reported, none applied twice, when a fifth of the carrier calls fail', async () => {
    const setup = await setUp({ seed: 22, errorRate: 0.2 })
    const worker = startWorkerProcess(setup.env)
    try {
      const { instanceId } = await runSession(setup)
      const rows = await allEnded(setup.store, instanceId)
      appliedOnce(setup.simulator, rows.map((row) => row.iccid))
      assert.ok((setup.simulator.stats.rejections['30000001'] ?? 0) > 0, 'the carrier did fail calls')
      const unresolved = rows.filter((row) => row.status !== 'verified')
      if (unresolved.length > 0) {
        const report = await eventually('the discrepancy e-mail', async () => setup.store.db.selectFrom('outbox').select('kind').where('kind', '=', 'plan-discrepancies').executeTakeFirst())
        assert.equal(report.kind, 'plan-discrepancies')
      }
      for (const row of rows.filter((r) => r.status === 'verified')) assert.equal(setup.simulator.fleet.device(row.iccid)!.ratePlan, row.new_plan)
    } finally {
      await stopWorkerProcess(worker)
    }
  })

  it('resume after a worker is killed mid-push, without sending a change twice', async () => {
    // Slow calls, so the kill lands while changes are being sent.
    const setup = await setUp({ seed: 23, latencyMs: 40 }, { SIMOPT_MAX_PAGES_PER_JOB: '50' })
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
      for (const row of rows) assert.equal(setup.simulator.fleet.ratePlanChanges.get(row.iccid), 1, `${row.iccid} applied once`)
    } finally {
      await stopWorkerProcess(second)
    }
  })

  it('are a no-go when the push would end less than 10 minutes before the period does', async () => {
    const setup = await setUp({ seed: 24 })
    // The period ends in 12 minutes: even a handful of changes at 60 a minute leaves less than 10.
    await setup.store.db.updateTable('billing_periods').set({ ends_at: Date.now() + 12 * 60_000 }).execute()
    const worker = startWorkerProcess(setup.env)
    try {
      const { instanceId } = await runSession(setup)
      const instance = await eventually('the decision', async () => {
        const row = await setup.store.db.selectFrom('instances').selectAll().where('id', '=', instanceId).executeTakeFirstOrThrow()
        return row.push_decision === null ? undefined : row
      })
      assert.equal(instance.push_decision, 'no-go')
      assert.match(instance.push_reason ?? '', /later than 10 minutes before the period ends/)
      assert.ok((await changes(setup.store, instanceId)).every((row) => row.status === 'planned'))
      assert.equal(setup.simulator.stats.calls['PUT /devices/{iccid}'] ?? 0, 0)
      const mail = await eventually('the no-go e-mail', async () => setup.store.db.selectFrom('outbox').select('body').where('kind', '=', 'go-no-go').executeTakeFirst())
      assert.match(Buffer.from(mail.body).toString('utf8'), /NO-GO/)
    } finally {
      await stopWorkerProcess(worker)
    }
  })

  it('wait for approval when the tenant requires it, and then push only what was approved', async () => {
    const setup = await setUp({ seed: 25 })
    await simoptOk(setup.env, ['tenant', 'set', '--tenant', 'acme', '--require-approval'])
    const worker = startWorkerProcess(setup.env)
    try {
      const { sessionId, instanceId } = await runSession(setup)
      await eventually('the decision', async () => {
        const row = await setup.store.db.selectFrom('instances').select('push_decision').where('id', '=', instanceId).executeTakeFirstOrThrow()
        return row.push_decision ?? undefined
      })
      const instance = await setup.store.db.selectFrom('instances').selectAll().where('id', '=', instanceId).executeTakeFirstOrThrow()
      assert.equal(instance.push_decision, 'awaiting-approval')
      await new Promise((resolve) => setTimeout(resolve, 1000))
      assert.equal(setup.simulator.stats.calls['PUT /devices/{iccid}'] ?? 0, 0, 'nothing pushed before approval')
      const planned = await changes(setup.store, instanceId)
      assert.ok(planned.length >= 3 && planned.every((row) => row.status === 'planned'))

      const chosen = planned.slice(0, 2).map((row) => row.iccid)
      await simoptOk(setup.env, ['changes', 'approve', sessionId, '--iccid', chosen.join(','), '--by', 'alice'])
      const dry = await simoptOk(setup.env, ['changes', 'push', sessionId, '--dry-run'])
      assert.match(dry.stdout, /dry run: \d+ approved changes would be sent to main; nothing is sent/)
      const done = await eventually('the approved changes verified', async () => {
        const rows = await changes(setup.store, instanceId)
        return chosen.every((iccid) => rows.find((row) => row.iccid === iccid)?.status === 'verified') ? rows : undefined
      })
      assert.deepEqual(done.filter((row) => row.status !== 'planned').map((row) => row.iccid), chosen)
      assert.ok(done.filter((row) => chosen.includes(row.iccid)).every((row) => row.approved_by === 'cli:alice'))
      assert.equal(setup.simulator.stats.calls['PUT /devices/{iccid}'], 2)
      const audit = await simoptOk(setup.env, ['audit', '--session', sessionId])
      assert.match(audit.stdout, new RegExp(`cli:alice\\s+approve\\s+${chosen[0]}`))
    } finally {
      await stopWorkerProcess(worker)
    }
  })
  it('skip a SIM moved to another plan after the change was planned, never overwriting it (a stale session undid another one)', async () => {
    const setup = await setUp({ seed: 26 })
    await simoptOk(setup.env, ['tenant', 'set', '--tenant', 'acme', '--require-approval'])
    const worker = startWorkerProcess(setup.env)
    try {
      const { sessionId, instanceId } = await runSession(setup)
      await eventually('the decision', async () => (await setup.store.db.selectFrom('instances').select('push_decision').where('id', '=', instanceId).executeTakeFirstOrThrow()).push_decision ?? undefined)
      const [moved, kept] = await changes(setup.store, instanceId)
      assert.ok(moved !== undefined && kept !== undefined, 'a session with two changes at least')
      // Another session (or tool) puts the SIM on a third plan after this session planned its change.
      const third = setup.simulator.fleet.plans.map((plan) => plan.name).find((name) => name !== moved.old_plan && name !== moved.new_plan)!
      setup.simulator.fleet.changeRatePlan(moved.iccid, third, Date.now())

      await simoptOk(setup.env, ['changes', 'approve', sessionId, '--iccid', `${moved.iccid},${kept.iccid}`, '--by', 'alice'])
      const rows = await eventually('both approved changes to end', async () => {
        const all = await changes(setup.store, instanceId)
        const two = all.filter((row) => row.iccid === moved.iccid || row.iccid === kept.iccid)
        return two.every((row) => ENDED.includes(row.status)) ? two : undefined
      })
      assert.equal(setup.simulator.fleet.device(moved.iccid)!.ratePlan, third, 'the other session’s plan is still at the carrier')
      assert.equal(setup.simulator.fleet.ratePlanChanges.get(moved.iccid), 1, 'only the other session changed it')
      const skipped = rows.find((row) => row.iccid === moved.iccid)!
      assert.equal(skipped.status, 'skipped')
      assert.equal(skipped.found_plan, third)
      assert.equal(skipped.attempts, 0)
      assert.equal(rows.find((row) => row.iccid === kept.iccid)!.status, 'verified', 'a SIM still on its planned-from plan is pushed')

      const audit = await simoptOk(setup.env, ['audit', '--session', sessionId, '--iccid', moved.iccid])
      assert.match(audit.stdout, new RegExp(`system\\s+push: skipped\\s+${moved.iccid}\\s+${moved.old_plan} -> ${moved.new_plan}: found ${third} at the carrier; not overwritten`))
      const listed = await simoptOk(setup.env, ['changes', sessionId, '--status', 'skipped'])
      assert.match(listed.stdout, /changes: .*1 skipped/)
      assert.match(listed.stdout, new RegExp(`${moved.iccid}  ${moved.old_plan} -> ${moved.new_plan} .* skipped {2}\\(skipped: the SIM moved to ${third}`))
      const mail = await eventually('the discrepancy e-mail', async () => setup.store.db.selectFrom('outbox').select('body').where('kind', '=', 'plan-discrepancies').executeTakeFirst())
      assert.match((await simpleParser(Buffer.from(mail.body))).text ?? '', new RegExp(`${moved.iccid} {2}expected ${moved.new_plan}, found ${third}, set at the carrier by someone else`))
    } finally {
      await stopWorkerProcess(worker)
    }
  })
})
