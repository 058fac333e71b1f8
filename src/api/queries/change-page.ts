/** A page of an instance's rate plan changes in ICCID order (keyset), of one status or all. */
import type { ChangeStatus } from '../../store/changes.js'
import type { Store } from '../../store/database.js'

export interface ChangeLine {
  readonly iccid: string
  readonly oldPlan: string
  readonly newPlan: string
  readonly saving: number
  readonly status: string
  readonly attempts: number
  readonly approvedBy: string | null
  readonly answer: string | null
  readonly foundPlan: string | null
}

export async function changePage(store: Store, instanceId: string, page: { status?: ChangeStatus; after?: string; limit: number }): Promise<ChangeLine[]> {
  let query = store.db.selectFrom('changes').selectAll().where('instance_id', '=', instanceId)
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
