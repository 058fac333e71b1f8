/**
 * Issue 19's push figure: 5,000 asynchronous service plan changes pushed to the ThingSpace simulator with a
 * fifth of its callbacks lost, by the push and verify stages as the service runs them (a worker on the local
 * queue, the account's call limiter). The session comes from a real sync (`run --wait`, write access off);
 * its change list is then set to exactly that many approved changes, a twentieth of them for SIMs that
 * already had their 4 changes this month (the carrier must refuse those, and simopt report them) and a
 * twentieth for SIMs with 3 (one more is allowed). Checks, printed with their verdicts: every change ends
 * verified or reported, none was sent twice, no SIM is past the 4-a-month limit, every accepted change is in place.
 */
import { loadConfig } from '../src/config.js'
import { startChangeCallbackListener } from '../src/carriers/thingspace/change-callbacks.js'
import { createThingSpaceClient } from '../src/carriers/thingspace/thingspace-client.js'
import { startThingSpaceSimulator } from '../src/carriers/thingspace/simulator/thingspace-simulator.js'
import { PLAN_CHANGES_PER_MONTH } from '../src/carriers/thingspace/thingspace-wire.js'
import { recordJobs } from '../src/jobs/job-log.js'
import { job } from '../src/jobs/job.js'
import { LocalQueue } from '../src/jobs/local-queue.js'
import { startWorker } from '../src/jobs/worker.js'
import { insertRows } from '../src/store/bulk-insert.js'
import { openStore, type Store } from '../src/store/database.js'
import type { ChangeStatus } from '../src/store/index.js'
import { simopt } from './sync-run.js'
import { addThingSpaceProvider, benchEnv, printChecks, throttledCalls, type ThingSpaceCheck } from './thingspace-run.js'

export const THINGSPACE_PUSH_CHANGES = 5_000
export const THINGSPACE_PUSH_LIMIT = 50
const LOST_CALLBACKS = 0.2
/** A change not ended this long after the push started fails the run rather than hanging it. */
const TIMEOUT_MS = 60 * 60_000
const ENDED: readonly ChangeStatus[] = ['verified', 'discrepancy', 'failed', 'skipped']

export interface ThingSpacePushFigures {
  readonly changes: number
  readonly limit: number
  readonly lostCallbacks: number
  readonly atLimit: number
  readonly pushSeconds: number
  readonly endSeconds: number
  readonly byStatus: Readonly<Record<string, number>>
  readonly changeRequests: number
  readonly statusCalls: number
  readonly callbacks: { readonly sent: number; readonly lost: number; readonly failed: number }
  readonly throttled: number
  readonly checks: readonly ThingSpaceCheck[]
}

/** Changes of the instance in none of `statuses`. */
async function countOutside(store: Store, instanceId: string, statuses: readonly ChangeStatus[]): Promise<number> {
  const row = await store.db.selectFrom('changes').select((eb) => eb.fn.countAll<number>().as('n')).where('instance_id', '=', instanceId).where('status', 'not in', statuses).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function thingspacePushRun(folder: string, changes = THINGSPACE_PUSH_CHANGES, limit = THINGSPACE_PUSH_LIMIT): Promise<ThingSpacePushFigures> {
  // More SIMs than changes: suspended, deactivated and never activated lines cannot change plan.
  const simulator = await startThingSpaceSimulator({ sims: Math.ceil(changes * 1.4), seed: 23, rateLimit: limit, loseCallbacks: LOST_CALLBACKS, processingMs: 2000 })
  const env = benchEnv(folder, 'ts-push', { SIMOPT_VERIFY_DELAY_MS: '3000', SIMOPT_MAX_PAGES_PER_JOB: '50' })
  const store = openStore(env.SIMOPT_DATABASE_URL!)
  // The account's callback URL, as its operator would have registered it: the carrier sends outcomes there,
  // a fifth are lost, and simopt (which polls each request's status) must not depend on them.
  const listener = await startChangeCallbackListener()
  try {
    const { appKey, appSecret, username, password } = simulator
    await createThingSpaceClient({ baseUrl: simulator.url, accountName: simulator.account.accountName, credentials: { appKey, appSecret, username, password } }).registerChangeCallback(listener.url)
    const period = await addThingSpaceProvider(env, folder, simulator, limit)
    const run = await simopt(env, ['run', '--tenant', 'bench', '--provider', 'ts', '--period', period, '--wait'])
    const session = run.stdout.split('\n')[0]!.trim()
    const instance = await store.db.selectFrom('instances').select('id').where('session_id', '=', session).executeTakeFirstOrThrow()

    const { account } = simulator
    const movable = account.devices().filter((device) => device.state === 'active').slice(0, changes)
    if (movable.length < changes) throw new Error(`the simulated account has only ${movable.length} active SIMs`)
    const now = Date.now()
    const atLimit = new Set<string>()
    movable.forEach((device, index) => {
      // Changes made this month by another tool: every 20th SIM has none left, the next one has one left.
      const before = index % 20 === 0 ? PLAN_CHANGES_PER_MONTH : index % 20 === 1 ? PLAN_CHANGES_PER_MONTH - 1 : 0
      for (let k = 0; k < before; k++) account.countChange(device.iccid, now)
      if (before === PLAN_CHANGES_PER_MONTH) atLimit.add(device.iccid)
    })
    const otherPlan = (plan: string) => account.servicePlans.find((code) => code !== plan)!
    await store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('changes').where('instance_id', '=', instance.id).execute()
      await insertRows(
        trx,
        store.dialect,
        'changes',
        movable.map((device) => ({
          instance_id: instance.id,
          iccid: device.iccid,
          old_plan: device.servicePlan,
          new_plan: otherPlan(device.servicePlan),
          saving: 0,
          status: 'approved',
          updated_at: now,
          approved_by: 'bench',
          approved_at: now,
        })),
      )
      await recordJobs(trx, [job('push-changes', instance.id, 'bench')])
    })
    await simopt(env, ['provider', 'set', '--tenant', 'bench', '--name', 'ts', '--write-enabled'])

    const config = loadConfig(env)
    const queue = new LocalQueue(store, 'bench-pusher', config.jobLeaseMs)
    const started = performance.now()
    let pushSeconds = Number.NaN
    const worker = await startWorker(config, store, queue, 'bench-pusher', 1)
    try {
      for (;;) {
        if (Number.isNaN(pushSeconds) && (await countOutside(store, instance.id, ['pushed', ...ENDED])) === 0) {
          pushSeconds = (performance.now() - started) / 1000
        }
        if ((await countOutside(store, instance.id, ENDED)) === 0) break
        if (performance.now() - started > TIMEOUT_MS) break
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    } finally {
      await worker.stop()
    }
    const endSeconds = (performance.now() - started) / 1000
    const rows = await store.db.selectFrom('changes').select(['iccid', 'new_plan', 'status', 'answer']).where('instance_id', '=', instance.id).execute()
    const byStatus: Record<string, number> = {}
    for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1
    const requests = simulator.changes()
    const sent = new Map<string, number>()
    for (const request of requests) sent.set(request.iccid, (sent.get(request.iccid) ?? 0) + 1)
    const twice = [...sent.values()].filter((count) => count > 1).length
    const overLimit = movable.filter((device) => account.changesThisMonth(device.iccid, Date.now()) > PLAN_CHANGES_PER_MONTH).length
    const unended = rows.filter((row) => !ENDED.includes(row.status))
    const unreported = rows.filter((row) => row.status !== 'verified' && !row.answer)
    const verifiedWrong = rows.filter((row) => row.status === 'verified' && account.device(row.iccid)?.servicePlan !== row.new_plan)
    const lostCallback = new Set(requests.filter((request) => !listener.received.has(request.requestId)).map((request) => request.iccid))
    const lostUnended = rows.filter((row) => lostCallback.has(row.iccid) && !ENDED.includes(row.status))
    const limitNotReported = rows.filter((row) => atLimit.has(row.iccid) && row.status !== 'failed')
    const checks: ThingSpaceCheck[] = [
      { what: 'every change verified or reported', passed: unended.length === 0 && unreported.length === 0, figure: `${unended.length} not ended, ${unreported.length} ended without an answer, of ${rows.length}` },
      { what: 'changes whose callback was lost ended by polling', passed: lostUnended.length === 0, figure: `${lostCallback.size - lostUnended.length} of ${lostCallback.size} ended` },
      { what: 'none sent twice', passed: twice === 0, figure: `${requests.length} change requests for ${sent.size} SIMs, ${twice} SIMs sent more than one` },
      { what: `none past the ${PLAN_CHANGES_PER_MONTH}-a-month limit`, passed: overLimit === 0, figure: `${overLimit} SIMs over it` },
      { what: 'SIMs at the limit refused and reported', passed: limitNotReported.length === 0, figure: `${atLimit.size - limitNotReported.length} of ${atLimit.size} failed with the carrier's answer` },
      { what: 'every verified change in place on the carrier', passed: verifiedWrong.length === 0, figure: `${verifiedWrong.length} verified but on another plan` },
    ]
    return {
      changes,
      limit,
      lostCallbacks: LOST_CALLBACKS,
      atLimit: atLimit.size,
      pushSeconds,
      endSeconds,
      byStatus,
      changeRequests: requests.length,
      statusCalls: simulator.stats.calls['GET /accounts/{a}/requests/{id}/status'] ?? 0,
      callbacks: { ...simulator.stats.callbacks },
      throttled: throttledCalls(simulator),
      checks,
    }
  } finally {
    await store.close()
    await simulator.close()
    await listener.close()
  }
}

export function printThingSpacePushRun(row: ThingSpacePushFigures): void {
  console.log(`\n## Asynchronous plan changes pushed to the ThingSpace simulator, ${row.lostCallbacks * 100}% of callbacks lost\n`)
  console.log('| changes | allowed calls/s | at the monthly limit | pushed s | all ended s | verified | failed | discrepancy | skipped | change requests | status calls | callbacks sent / lost | throttled (429) |')
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
  const count = (status: string) => (row.byStatus[status] ?? 0).toLocaleString('en-US')
  console.log(
    `| ${row.changes.toLocaleString('en-US')} | ${row.limit} | ${row.atLimit} | ${row.pushSeconds.toFixed(1)} | ${row.endSeconds.toFixed(1)} | ${count('verified')} | ${count('failed')} | ${count('discrepancy')} | ${count('skipped')} | ${row.changeRequests.toLocaleString('en-US')} | ${row.statusCalls.toLocaleString('en-US')} | ${row.callbacks.sent} / ${row.callbacks.lost} | ${row.throttled} |`,
  )
  console.log('')
  printChecks(row.checks)
}
