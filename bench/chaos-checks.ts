/**
 * What a chaos session must have come out with, checked against the database, the simulator's own counts
 * and the messages the SMTP server received: every synced SIM priced exactly once, the totals of a clean
 * run on the same snapshot, every change applied at the carrier at most once (and verified), no e-mail
 * sent twice, the session done.
 */
import { subProblem } from '../src/domain/index.js'
import type { JasperSimulator } from '../src/carriers/jasper/simulator/jasper-simulator.js'
import { componentRows, optimize } from '../src/optimizer/index.js'
import type { PeriodRow, ProviderRow } from '../src/store/accounts.js'
import type { Store } from '../src/store/database.js'
import { loadProblem } from '../src/store/problem-loader.js'
import { decodeSnapshot, encodeSnapshot } from '../src/store/problem-snapshot.js'
import { parseProviderSettings } from '../src/store/provider-settings.js'

export interface Check {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}

export interface ChaosOutcome {
  readonly checks: readonly Check[]
  readonly devices: number
  readonly results: number
  readonly costBefore: number
  readonly costAfter: number
  readonly cleanCostAfter: number
  readonly changes: Readonly<Record<string, number>>
  readonly putCalls: number
  readonly ratePlanChangesApplied: number
  readonly emails: number
}

/** Devices the carrier no longer bills (as the problem loader leaves them out). */
const UNBILLED_STATUSES = ['RETIRED', 'PURGED', 'REPLACED']
/** Money compared as the optimizer's own float sums: equal up to rounding noise. */
const MONEY_TOLERANCE = 1e-6

export async function checkChaosSession(store: Store, sessionId: string, simulator: JasperSimulator, emails: readonly Buffer[]): Promise<ChaosOutcome> {
  const { db } = store
  const checks: Check[] = []
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail })
  const count = (rows: { n: number | string | bigint }) => Number(rows.n)

  const session = await db.selectFrom('sessions').select(['status', 'message']).where('id', '=', sessionId).executeTakeFirstOrThrow()
  check('session done', session.status === 'done', `${session.status}${session.message === null ? '' : `: ${session.message}`}`)
  const instance = await db.selectFrom('instances').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow()
  const provider: ProviderRow = await db.selectFrom('service_providers').selectAll().where('id', '=', instance.provider_id).executeTakeFirstOrThrow()
  const period: PeriodRow = await db.selectFrom('billing_periods').selectAll().where('id', '=', instance.period_id).executeTakeFirstOrThrow()

  const synced = count(await db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).where('provider_id', '=', provider.id).executeTakeFirstOrThrow())
  const billed = count(
    await db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).where('provider_id', '=', provider.id).where('status', 'not in', UNBILLED_STATUSES).executeTakeFirstOrThrow(),
  )
  check('every SIM of the carrier synced', synced === simulator.fleet.size, `${synced} devices stored of ${simulator.fleet.size} at the carrier`)
  const results = await db
    .selectFrom('results')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('iccid').distinct().as('sims'), eb.fn.sum<number>(eb(eb('monthly_after', '+', eb.ref('overage_after')), '+', eb.ref('sms_after'))).as('after')])
    .where('instance_id', '=', instance.id)
    .executeTakeFirstOrThrow()
  const unpriced = count(
    await db
      .selectFrom('devices')
      .leftJoin('results', (join) => join.onRef('results.iccid', '=', 'devices.iccid').on('results.instance_id', '=', instance.id))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('devices.provider_id', '=', provider.id)
      .where('devices.status', 'not in', UNBILLED_STATUSES)
      .where('results.iccid', 'is', null)
      .executeTakeFirstOrThrow(),
  )
  const rows = Number(results.rows)
  check(
    'every SIM priced exactly once',
    rows === billed && Number(results.sims) === rows && unpriced === 0,
    `${rows} result rows, ${Number(results.sims)} distinct ICCIDs, ${billed} billed devices synced, ${unpriced} without a result`,
  )

  const clean = await cleanRun(store, provider, period)
  const stored = await db.selectFrom('results').select(['iccid', 'new_plan']).where('instance_id', '=', instance.id).execute()
  const differing = stored.filter((row) => clean.plans.get(row.iccid) !== row.new_plan).length
  const costAfter = instance.cost_after ?? Number.NaN
  const close = (a: number, b: number) => Math.abs(a - b) <= MONEY_TOLERANCE * Math.max(1, Math.abs(b))
  check(
    'totals equal a clean run on the same snapshot',
    close(costAfter, clean.costAfter) && close(Number(results.after), clean.costAfter) && differing === 0 && clean.plans.size === rows,
    `session ${costAfter.toFixed(2)}, its result rows ${Number(results.after).toFixed(2)}, clean run ${clean.costAfter.toFixed(2)} on ${clean.plans.size} SIMs; ${differing} SIMs on another plan`,
  )

  const changeRows = await db.selectFrom('changes').select(['iccid', 'status']).where('instance_id', '=', instance.id).execute()
  const changes: Record<string, number> = {}
  for (const row of changeRows) changes[row.status] = (changes[row.status] ?? 0) + 1
  const applied = [...simulator.fleet.ratePlanChanges.values()]
  const twice = [...simulator.fleet.ratePlanChanges].filter(([, times]) => times > 1)
  const listed = new Set(changeRows.map((row) => row.iccid))
  const stray = [...simulator.fleet.ratePlanChanges.keys()].filter((iccid) => !listed.has(iccid))
  check(
    'no change pushed twice',
    twice.length === 0 && stray.length === 0,
    `${applied.length} SIMs changed at the carrier, ${twice.length} of them more than once${twice.length ? ` (${twice.slice(0, 5).map(([iccid, times]) => `${iccid} x${times}`).join(', ')})` : ''}, ${stray.length} not in the change list`,
  )
  const verified = changes.verified ?? 0
  const notApplied = changeRows.filter((row) => row.status === 'verified' && simulator.fleet.ratePlanChanges.get(row.iccid) !== 1).length
  check(
    'every change pushed and verified',
    changeRows.length > 0 && verified === changeRows.length && notApplied === 0,
    `${changeRows.length} changes: ${Object.entries(changes).map(([status, n]) => `${n} ${status}`).join(', ')}; ${notApplied} verified but not applied once at the carrier`,
  )

  const messageIds = emails.map((email) => /^message-id:\s*(\S+)/im.exec(email.toString('latin1').split(/\r?\n\r?\n/, 1)[0]!)?.[1] ?? '(none)')
  const repeated = messageIds.filter((id, at) => messageIds.indexOf(id) !== at)
  const outbox = await db.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('channel', '=', 'email').groupBy('status').execute()
  const sent = Number(outbox.find((row) => row.status === 'sent')?.n ?? 0)
  const waiting = outbox.filter((row) => row.status === 'pending' || row.status === 'failed').reduce((sum, row) => sum + Number(row.n), 0)
  check(
    'no e-mail sent twice',
    repeated.length === 0 && !messageIds.includes('(none)') && emails.length === sent && waiting === 0,
    `${emails.length} received, ${new Set(messageIds).size} distinct Message-IDs${repeated.length ? ` (repeated: ${[...new Set(repeated)].join(', ')})` : ''}; outbox: ${outbox.map((row) => `${Number(row.n)} ${row.status}`).join(', ')}`,
  )
  return {
    checks,
    devices: synced,
    results: rows,
    costBefore: instance.cost_before ?? Number.NaN,
    costAfter,
    cleanCostAfter: clean.costAfter,
    changes,
    putCalls: simulator.stats.calls['PUT /devices/{iccid}'] ?? 0,
    ratePlanChangesApplied: applied.reduce((sum, times) => sum + times, 0),
    emails: emails.length,
  }
}

/**
 * The session's problem optimized again, undisturbed, in this process: loaded from the stored devices and
 * usage as the build stage loads it, split and snapshotted as it does, each component optimized alone.
 */
async function cleanRun(store: Store, provider: ProviderRow, period: PeriodRow): Promise<{ costAfter: number; plans: Map<string, string> }> {
  const { problem, rawUsageMb } = await loadProblem(store, provider, period, Date.now())
  const { minSavingPerChange } = parseProviderSettings(provider.settings, provider.name)
  const plans = new Map<string, string>()
  let costAfter = 0
  for (const rows of componentRows(problem)) {
    const snapshot = decodeSnapshot(encodeSnapshot({ problem: subProblem(problem, rows), rawUsageMb: Float64Array.from(rows, (row) => rawUsageMb[row]!), minSavingPerChange }))
    const result = await optimize(snapshot.problem, { workers: 1, minSavingPerChange: snapshot.minSavingPerChange })
    costAfter += result.priced.total
    const { sims } = snapshot.problem
    for (let i = 0; i < sims.count; i++) plans.set(sims.iccid[i]!, snapshot.problem.plans[result.assignment[i]!]!.code)
  }
  return { costAfter, plans }
}
