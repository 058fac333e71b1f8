/**
 * Savings by billing period, for the overview chart: for each provider and period the last finished
 * session counts (a period optimized twice is saved once), summed over providers.
 */
import type { Db } from './database.js'

export interface PeriodSavings {
  readonly period: string
  readonly costBefore: number
  readonly costAfter: number
  readonly savings: number
}

/** The last `periods` billing periods with a finished session, oldest first; one tenant's, or every tenant's when `tenantId` is undefined. */
export async function savingsByPeriod(db: Db, tenantId: string | undefined, periods: number): Promise<PeriodSavings[]> {
  let query = db
    .selectFrom('instances')
    .innerJoin('sessions', 'sessions.id', 'instances.session_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'instances.period_id')
    .select(['instances.provider_id', 'billing_periods.name as period', 'instances.cost_before', 'instances.cost_after', 'instances.finished_at'])
    .where('sessions.status', '=', 'done')
    .where('instances.cost_after', 'is not', null)
  if (tenantId !== undefined) query = query.where('sessions.tenant_id', '=', tenantId)
  const rows = await query.execute()
  const last = new Map<string, (typeof rows)[number]>()
  for (const row of rows) {
    const key = `${row.provider_id}/${row.period}`
    const seen = last.get(key)
    if (seen === undefined || (row.finished_at ?? 0) > (seen.finished_at ?? 0)) last.set(key, row)
  }
  const byPeriod = new Map<string, { costBefore: number; costAfter: number }>()
  for (const row of last.values()) {
    const sum = byPeriod.get(row.period) ?? { costBefore: 0, costAfter: 0 }
    byPeriod.set(row.period, { costBefore: sum.costBefore + (row.cost_before ?? 0), costAfter: sum.costAfter + (row.cost_after ?? 0) })
  }
  return [...byPeriod.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(-periods)
    .map(([period, sum]) => ({ period, ...sum, savings: sum.costBefore - sum.costAfter }))
}
