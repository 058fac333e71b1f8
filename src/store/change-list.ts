/** A session's rate plan changes as lists show them: a page in ICCID order, and what a push of them would go to. */
import type { ChangeStatus } from './changes.js'
import type { Db } from './database.js'
import { parseProviderSettings } from './provider-settings.js'

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
    // The cast goes once schema.ts types the status column with its union (being done alongside).
    status: row.status,
    attempts: row.attempts,
    approvedBy: row.approved_by,
    answer: row.answer,
    foundPlan: row.found_plan,
  }))
}

/** Where an instance's changes would be pushed: its provider (and whether it allows writes) and when its period ends. */
export interface PushTarget {
  readonly providerId: string
  readonly provider: string
  readonly writeEnabled: boolean
  /** Epoch ms. */
  readonly periodEndsAt: number
}

export async function pushTargetOf(db: Db, instanceId: string): Promise<PushTarget> {
  const row = await db
    .selectFrom('instances')
    .innerJoin('service_providers', 'service_providers.id', 'instances.provider_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'instances.period_id')
    .select(['service_providers.id', 'service_providers.name', 'service_providers.settings', 'billing_periods.ends_at'])
    .where('instances.id', '=', instanceId)
    .executeTakeFirstOrThrow()
  return { providerId: row.id, provider: row.name, writeEnabled: parseProviderSettings(row.settings, row.name).writeEnabled, periodEndsAt: row.ends_at }
}
