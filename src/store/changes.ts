/**
 * Rate plan changes of an instance: the SIMs whose new plan differs from their current one, and the
 * statuses they go through while pushed to the carrier and verified
 * (`planned → approved → pushing → pushed → verified | discrepancy | failed`; `approved → skipped` when the
 * SIM is no longer on the plan the change was planned from, docs/decisions.md).
 */
import { sql, type Selectable } from 'kysely'
import type { Db } from './database.js'
import type { ChangeTable } from './schema.js'

export type ChangeRow = Selectable<ChangeTable>
export const CHANGE_STATUSES = ['planned', 'approved', 'pushing', 'pushed', 'verified', 'discrepancy', 'failed', 'skipped'] as const
export type ChangeStatus = (typeof CHANGE_STATUSES)[number]

/** Lists the instance's changes from its results, each with its saving as attributed there, once (a second call adds nothing). */
export async function planChanges(db: Db, instanceId: string): Promise<void> {
  const now = Date.now()
  await sql`
    insert into changes (instance_id, iccid, old_plan, new_plan, saving, own_saving, pool_effect, status, updated_at)
    select instance_id, iccid, current_plan, new_plan, own_saving + pool_effect, own_saving, pool_effect, 'planned', ${now}
    from results
    where instance_id = ${instanceId} and new_plan <> current_plan
    on conflict (instance_id, iccid) do nothing`.execute(db)
}

export async function countChanges(db: Db, instanceId: string, statuses?: readonly ChangeStatus[]): Promise<number> {
  let query = db.selectFrom('changes').select((eb) => eb.fn.countAll<number>().as('n')).where('instance_id', '=', instanceId)
  if (statuses !== undefined) query = query.where('status', 'in', [...statuses])
  return Number((await query.executeTakeFirstOrThrow()).n)
}

/** Changes by status, counted. */
export async function changeCounts(db: Db, instanceId: string): Promise<Partial<Record<ChangeStatus, number>>> {
  const rows = await db.selectFrom('changes').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('instance_id', '=', instanceId).groupBy('status').execute()
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]))
}

/** The next changes in a status, in ICCID order. */
export async function changesIn(db: Db, instanceId: string, status: ChangeStatus, limit: number, afterIccid = ''): Promise<ChangeRow[]> {
  return db.selectFrom('changes').selectAll().where('instance_id', '=', instanceId).where('status', '=', status).where('iccid', '>', afterIccid).orderBy('iccid').limit(limit).execute()
}

/** Moves one change from `from` to `to`; false when it was not in `from` (another delivery moved it). */
export async function moveChange(
  db: Db,
  instanceId: string,
  iccid: string,
  from: ChangeStatus | readonly ChangeStatus[],
  to: ChangeStatus,
  set: Partial<Pick<ChangeRow, 'answer' | 'pushed_at' | 'verified_at' | 'found_plan' | 'approved_by' | 'approved_at'>> & { countAttempt?: boolean } = {},
): Promise<boolean> {
  const { countAttempt, ...columns } = set
  const row = await db
    .updateTable('changes')
    .set((eb) => ({ status: to, updated_at: Date.now(), ...columns, ...(countAttempt === true ? { attempts: eb('attempts', '+', 1) } : {}) }))
    .where('instance_id', '=', instanceId)
    .where('iccid', '=', iccid)
    .where('status', 'in', typeof from === 'string' ? [from] : [...from])
    .returning('iccid')
    .executeTakeFirst()
  return row !== undefined
}

/** Approves planned changes (all of them, or the ICCIDs given); returns the ICCIDs approved. */
export async function approveChanges(db: Db, instanceId: string, by: string, iccids?: readonly string[]): Promise<string[]> {
  const now = Date.now()
  const approved: string[] = []
  const slices = iccids === undefined ? [undefined] : Array.from({ length: Math.ceil(iccids.length / 1000) }, (_, i) => iccids.slice(i * 1000, i * 1000 + 1000))
  for (const slice of slices) {
    let query = db.updateTable('changes').set({ status: 'approved', approved_by: by, approved_at: now, updated_at: now }).where('instance_id', '=', instanceId).where('status', '=', 'planned')
    if (slice !== undefined) query = query.where('iccid', 'in', slice)
    approved.push(...(await query.returning('iccid').execute()).map((row) => row.iccid))
  }
  return approved
}

/**
 * Changes a minute the provider's last finished push achieved (pushed changes over its duration), or
 * undefined when it has none worth measuring.
 */
export async function measuredPushRate(db: Db, providerId: string): Promise<number | undefined> {
  const last = await db
    .selectFrom('instances')
    .select(['id', 'push_started_at', 'push_finished_at'])
    .where('provider_id', '=', providerId)
    .where('push_finished_at', 'is not', null)
    .orderBy('push_finished_at', 'desc')
    .executeTakeFirst()
  if (last?.push_started_at == null || last.push_finished_at == null) return undefined
  const pushed = await db
    .selectFrom('changes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('instance_id', '=', last.id)
    .where('pushed_at', 'is not', null)
    .executeTakeFirstOrThrow()
  const minutes = (last.push_finished_at - last.push_started_at) / 60_000
  return Number(pushed.n) > 0 && minutes > 0 ? Number(pushed.n) / minutes : undefined
}

/** Fails the instance's changes still in `statuses`, with why; returns how many. */
export async function failChanges(db: Db, instanceId: string, statuses: readonly ChangeStatus[], answer: string): Promise<number> {
  const failed = await db
    .updateTable('changes')
    .set({ status: 'failed', answer, updated_at: Date.now() })
    .where('instance_id', '=', instanceId)
    .where('status', 'in', [...statuses])
    .returning('iccid')
    .execute()
  return failed.length
}

const UNRESOLVED = ['discrepancy', 'failed', 'skipped'] as const satisfies readonly ChangeStatus[]

/** A change that ended without its new plan in place. */
export interface UnresolvedChange {
  readonly iccid: string
  readonly newPlan: string
  readonly foundPlan: string | null
  readonly status: (typeof UNRESOLVED)[number]
  readonly answer: string | null
}

/** The instance's changes that ended without taking effect, in ICCID order. */
export async function unresolvedChanges(db: Db, instanceId: string): Promise<UnresolvedChange[]> {
  const rows = await db
    .selectFrom('changes')
    .select(['iccid', 'new_plan', 'found_plan', 'status', 'answer'])
    .where('instance_id', '=', instanceId)
    .where('status', 'in', [...UNRESOLVED])
    .orderBy('iccid')
    .execute()
  return rows.map((row) => ({ iccid: row.iccid, newPlan: row.new_plan, foundPlan: row.found_plan, status: unresolvedStatus(row.status), answer: row.answer }))
}

function unresolvedStatus(status: string): UnresolvedChange['status'] {
  const found = UNRESOLVED.find((unresolved) => unresolved === status)
  if (found === undefined) throw new Error(`change status ${status} is not one that ends unresolved`)
  return found
}

/** Records when the instance's push began (the first push job); later jobs leave it. */
export async function markPushStarted(db: Db, instanceId: string): Promise<void> {
  await db.updateTable('instances').set({ push_started_at: Date.now() }).where('id', '=', instanceId).where('push_started_at', 'is', null).execute()
}

/** Records when the instance's push ended (nothing approved left), once: `measuredPushRate` reads both times. */
export async function markPushFinished(db: Db, instanceId: string): Promise<void> {
  await db.updateTable('instances').set({ push_finished_at: Date.now() }).where('id', '=', instanceId).where('push_finished_at', 'is', null).execute()
}

/**
 * The answer of a change the carrier refused because the SIM had used up its plan changes for the month
 * (the changes table keeps no reason column: the answer starts with it).
 */
export const LIMIT_REACHED_ANSWER = 'refused, the monthly plan changes are used up: '

/**
 * A provider's plan changes since `since` (epoch ms, the billing cycle's start), by ICCID: how many simopt
 * sent that the carrier took, and whether the carrier refused one because the SIM had no changes left.
 */
export async function planChangesSince(db: Db, providerId: string, since: number): Promise<Map<string, { readonly sent: number; readonly limitReached: boolean }>> {
  const rows = await db
    .selectFrom('changes')
    .innerJoin('instances', 'instances.id', 'changes.instance_id')
    .select(['changes.iccid', 'changes.status', 'changes.attempts', 'changes.answer'])
    .where('instances.provider_id', '=', providerId)
    .where('changes.updated_at', '>=', since)
    .where('changes.status', 'in', ['pushing', 'pushed', 'verified', 'discrepancy', 'failed'])
    .execute()
  const counts = new Map<string, { sent: number; limitReached: boolean }>()
  for (const row of rows) {
    const count = counts.get(row.iccid) ?? { sent: 0, limitReached: false }
    if (row.status === 'failed') count.limitReached ||= (row.answer ?? '').startsWith(LIMIT_REACHED_ANSWER)
    else count.sent += row.attempts
    counts.set(row.iccid, count)
  }
  return counts
}
