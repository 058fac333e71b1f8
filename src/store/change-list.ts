/**
 * A session's rate plan changes as lists show them: filtered (status, plans, saving), in ICCID or saving
 * order a page at a time, and the totals of a selection.
 */
import type { ChangeStatus } from './changes.js'
import type { Db } from './database.js'

export interface ChangeListLine {
  readonly iccid: string
  readonly oldPlan: string
  readonly newPlan: string
  /** What the change saves in the period, in the account's currency: `ownSaving + poolEffect`. */
  readonly saving: number
  /** What the SIM's own lines (monthly, SMS, overage off a pool) cost less on the new plan. */
  readonly ownSaving: number
  /** Its share of what the pools it leaves and joins charge less (docs/decisions.md). */
  readonly poolEffect: number
  readonly status: ChangeStatus
  readonly attempts: number
  readonly approvedBy: string | null
  /** The carrier's answer to the last push or check. */
  readonly answer: string | null
  /** The plan found at the carrier when it was not the one expected. */
  readonly foundPlan: string | null
}

/** Orders a list of changes comes in: by ICCID, or by saving (largest or smallest first, then by ICCID). */
export const CHANGE_ORDERS = ['iccid', 'saving-desc', 'saving-asc'] as const
export type ChangeOrder = (typeof CHANGE_ORDERS)[number]

/** Which changes: every condition given must hold. Savings in the account's currency, bounds included. */
export interface ChangeFilter {
  readonly status?: ChangeStatus | undefined
  readonly fromPlan?: string | undefined
  readonly toPlan?: string | undefined
  readonly minSaving?: number | undefined
  readonly maxSaving?: number | undefined
}

/** Where the previous page ended: its last change's ICCID, and its saving when the order is by saving. */
export interface ChangeCursor {
  readonly iccid: string
  readonly saving?: number
}

/** A page of an instance's changes (keyset: `after` is the previous page's last change), filtered. */
export async function changePage(db: Db, instanceId: string, filter: ChangeFilter, page: { order: ChangeOrder; after?: ChangeCursor | undefined; limit: number }): Promise<ChangeListLine[]> {
  let query = filtered(db, instanceId, filter).selectAll()
  const { after } = page
  if (page.order === 'iccid') {
    if (after !== undefined) query = query.where('iccid', '>', after.iccid)
    query = query.orderBy('iccid')
  } else {
    const direction = page.order === 'saving-desc' ? 'desc' : 'asc'
    if (after?.saving !== undefined) {
      const saving = after.saving
      query = query.where((eb) => eb.or([eb('saving', direction === 'desc' ? '<' : '>', saving), eb.and([eb('saving', '=', saving), eb('iccid', '>', after.iccid)])]))
    }
    query = query.orderBy('saving', direction).orderBy('iccid')
  }
  const rows = await query.limit(page.limit).execute()
  return rows.map((row) => ({
    iccid: row.iccid,
    oldPlan: row.old_plan,
    newPlan: row.new_plan,
    saving: row.saving,
    ownSaving: row.own_saving,
    poolEffect: row.pool_effect,
    status: row.status,
    attempts: row.attempts,
    approvedBy: row.approved_by,
    answer: row.answer,
    foundPlan: row.found_plan,
  }))
}

/** What a selection of changes adds up to. */
export interface ChangeSelection {
  readonly changes: number
  readonly saving: number
  readonly ownSaving: number
  readonly poolEffect: number
}

/** The totals of the instance's changes the filter selects (all pages). */
export async function changeSelection(db: Db, instanceId: string, filter: ChangeFilter): Promise<ChangeSelection> {
  const row = await filtered(db, instanceId, filter)
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('saving').as('saving'), eb.fn.sum<number>('own_saving').as('own'), eb.fn.sum<number>('pool_effect').as('pool')])
    .executeTakeFirstOrThrow()
  return { changes: Number(row.n), saving: Number(row.saving ?? 0), ownSaving: Number(row.own ?? 0), poolEffect: Number(row.pool ?? 0) }
}

/** The totals of the instance's changes with these ICCIDs (an approval's, say). */
export async function changeSelectionOf(db: Db, instanceId: string, iccids: readonly string[]): Promise<ChangeSelection> {
  let total: ChangeSelection = { changes: 0, saving: 0, ownSaving: 0, poolEffect: 0 }
  for (let i = 0; i < iccids.length; i += 1000) {
    const row = await db
      .selectFrom('changes')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('saving').as('saving'), eb.fn.sum<number>('own_saving').as('own'), eb.fn.sum<number>('pool_effect').as('pool')])
      .where('instance_id', '=', instanceId)
      .where('iccid', 'in', iccids.slice(i, i + 1000))
      .executeTakeFirstOrThrow()
    total = {
      changes: total.changes + Number(row.n),
      saving: total.saving + Number(row.saving ?? 0),
      ownSaving: total.ownSaving + Number(row.own ?? 0),
      poolEffect: total.poolEffect + Number(row.pool ?? 0),
    }
  }
  return total
}

/** The ICCIDs of the instance's changes the filter selects, in ICCID order. */
export async function changeIccids(db: Db, instanceId: string, filter: ChangeFilter): Promise<string[]> {
  return (await filtered(db, instanceId, filter).select('iccid').orderBy('iccid').execute()).map((row) => row.iccid)
}

function filtered(db: Db, instanceId: string, filter: ChangeFilter) {
  let query = db.selectFrom('changes').where('instance_id', '=', instanceId)
  if (filter.status !== undefined) query = query.where('status', '=', filter.status)
  if (filter.fromPlan !== undefined) query = query.where('old_plan', '=', filter.fromPlan)
  if (filter.toPlan !== undefined) query = query.where('new_plan', '=', filter.toPlan)
  if (filter.minSaving !== undefined) query = query.where('saving', '>=', filter.minSaving)
  if (filter.maxSaving !== undefined) query = query.where('saving', '<=', filter.maxSaving)
  return query
}
