/** A session's rate plan changes as lists show them: a page in ICCID order, and what a push of them would go to. */
import type { ChangeStatus } from './changes.js'
import type { Db } from './database.js'

export interface ChangeListLine {
  readonly iccid: string
  readonly oldPlan: string
  readonly newPlan: string
  /** What the change saves in the period, in the account's currency. */
  readonly saving: number
  readonly status: ChangeStatus
  readonly attempts: number
  readonly approvedBy: string | null
  /** The carrier's answer to the last push or check. */
  readonly answer: string | null
  /** The plan found at the carrier when it was not the one expected. */
  readonly foundPlan: string | null
}

/** A page of an instance's changes in ICCID order (keyset: `after` is the last ICCID of the previous page), of one status or all. */
export async function changePage(db: Db, instanceId: string, page: { status?: ChangeStatus | undefined; after?: string | undefined; limit: number }): Promise<ChangeListLine[]> {
  let query = db.selectFrom('changes').selectAll().where('instance_id', '=', instanceId)
  if (page.status !== undefined) query = query.where('status', '=', page.status)
  if (page.after !== undefined) query = query.where('iccid', '>', page.after)
  const rows = await query.orderBy('iccid').limit(page.limit).execute()
  return rows.map((row) => ({
    iccid: row.iccid,
    oldPlan: row.old_plan,
    newPlan: row.new_plan,
    saving: row.saving,
    status: row.status,
    attempts: row.attempts,
    approvedBy: row.approved_by,
    answer: row.answer,
    foundPlan: row.found_plan,
  }))
}
