/** What `/metrics` reads when scraped, aggregated by the database: counts by status and type, the last finished runs. */
import type { Db } from './database.js'
import { FINISHED_STATUSES } from './statuses.js'

/** Sessions by status. */
export async function sessionCountsByStatus(db: Db): Promise<{ readonly status: string; readonly count: number }[]> {
  const rows = await db.selectFrom('sessions').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
  return rows.map((row) => ({ status: row.status, count: Number(row.n) }))
}

export interface FinishedRun {
  /** The instance's id. */
  readonly id: string
  readonly tenant: string
  readonly provider: string
  readonly costBefore: number
  readonly costAfter: number
  /** SIMs priced, and billed SIMs left out for want of a usage reading. */
  readonly sims: number
  readonly unpricedSims: number
}

/** The last finished (done) instance of each provider. */
export async function lastFinishedRuns(db: Db): Promise<FinishedRun[]> {
  const rows = await db
    .selectFrom('instances')
    .innerJoin('service_providers', 'service_providers.id', 'instances.provider_id')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .select(['instances.id', 'instances.provider_id', 'instances.finished_at', 'instances.cost_before', 'instances.cost_after', 'instances.sims', 'instances.unpriced_sims', 'tenants.name as tenant', 'service_providers.name as provider'])
    .where('instances.status', '=', 'done')
    .where('instances.cost_after', 'is not', null)
    .execute()
  const last = new Map<string, (typeof rows)[number]>()
  for (const row of rows) if ((row.finished_at ?? 0) >= (last.get(row.provider_id)?.finished_at ?? -1)) last.set(row.provider_id, row)
  return [...last.values()].map((row) => ({ id: row.id, tenant: row.tenant, provider: row.provider, costBefore: row.cost_before ?? 0, costAfter: row.cost_after ?? 0, sims: row.sims ?? 0, unpricedSims: row.unpriced_sims ?? 0 }))
}

/** The status changes of the entities `ids` (instances, sessions), in the order they happened. */
export async function transitionsOf(db: Db, ids: readonly string[]): Promise<{ readonly entityId: string; readonly toStatus: string; readonly at: number }[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('state_transitions').select(['entity_id', 'to_status', 'at']).where('entity_id', 'in', [...ids]).orderBy('seq').execute()
  return rows.map((row) => ({ entityId: row.entity_id, toStatus: row.to_status, at: row.at }))
}

/** Every provider with its tenant's name, for series labelled by both. */
export async function providerLabels(db: Db): Promise<{ readonly id: string; readonly tenant: string; readonly provider: string }[]> {
  return db
    .selectFrom('service_providers')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .select(['service_providers.id', 'service_providers.name as provider', 'tenants.name as tenant'])
    .execute()
}

/** When the oldest unfinished session of each provider started (epoch ms); providers without one are absent. */
export async function oldestRunningSessions(db: Db): Promise<{ readonly tenant: string; readonly provider: string; readonly startedAt: number }[]> {
  const rows = await db
    .selectFrom('sessions')
    .innerJoin('service_providers', 'service_providers.id', 'sessions.provider_id')
    .innerJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .select(['tenants.name as tenant', 'service_providers.name as provider', (eb) => eb.fn.min<number>('sessions.created_at').as('started_at')])
    .where('sessions.status', 'not in', [...FINISHED_STATUSES])
    .groupBy(['tenants.name', 'service_providers.name'])
    .execute()
  return rows.map((row) => ({ tenant: row.tenant, provider: row.provider, startedAt: Number(row.started_at) }))
}
