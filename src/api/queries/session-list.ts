/**
 * Sessions as the API lists them: newest first, a tenant's or all, a page at a time (`before` a creation
 * time), with their instance's figures. (`listSessions` of the store lists every tenant's; the API must
 * filter by tenant in the query.)
 */
import type { Store } from '../../store/database.js'

export interface SessionListRow {
  readonly id: string
  readonly tenant: string
  readonly provider: string
  readonly period: string
  readonly status: string
  readonly message: string | null
  readonly trigger: string
  readonly createdAt: number
  readonly finishedAt: number | null
  readonly sims: number | null
  readonly costBefore: number | null
  readonly costAfter: number | null
  readonly changes: number | null
}

export async function sessionPage(store: Store, filter: { tenantId?: string; before?: number; limit: number }): Promise<SessionListRow[]> {
  let query = store.db
    .selectFrom('sessions')
    .innerJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .innerJoin('service_providers', 'service_providers.id', 'sessions.provider_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'sessions.period_id')
    .leftJoin('instances', 'instances.session_id', 'sessions.id')
    .select([
      'sessions.id',
      'tenants.name as tenant',
      'service_providers.name as provider',
      'billing_periods.name as period',
      'sessions.status',
      'sessions.message',
      'sessions.trigger',
      'sessions.created_at',
      'sessions.finished_at',
      'instances.sims',
      'instances.cost_before',
      'instances.cost_after',
      'instances.changes',
    ])
  if (filter.tenantId !== undefined) query = query.where('sessions.tenant_id', '=', filter.tenantId)
  if (filter.before !== undefined) query = query.where('sessions.created_at', '<', filter.before)
  const rows = await query.orderBy('sessions.created_at', 'desc').limit(filter.limit).execute()
  return rows.map((row) => ({
    id: row.id,
    tenant: row.tenant,
    provider: row.provider,
    period: row.period,
    status: row.status,
    message: row.message,
    trigger: row.trigger,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    sims: row.sims,
    costBefore: row.cost_before,
    costAfter: row.cost_after,
    changes: row.changes,
  }))
}
