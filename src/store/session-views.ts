/** What `simopt status` and the API show of sessions: rows (with their instance's figures), stages and progress. */
import type { Selectable } from 'kysely'
import type { Db } from './database.js'
import type { OptimizerInfo } from '../optimizer/index.js'
import { sessionOptimizerInfo } from './optimizer-runs.js'
import { parseProviderSettings } from './provider-settings.js'
import type { InstanceTable, SyncTable } from './schema.js'
import type { SessionTrigger } from './sessions.js'
import { syncProgressOf, type SyncProgress } from './sync-progress.js'
import type { SessionStatus, TransitionEntity } from './statuses.js'

export interface SessionView {
  readonly id: string
  readonly tenant: string
  readonly provider: string
  readonly period: string
  readonly status: SessionStatus
  readonly message: string | null
  readonly trigger: SessionTrigger
  readonly attempt: number
  readonly createdAt: number
  readonly finishedAt: number | null
  /** ISO 4217 code of the session's amounts (the provider's `currency`). */
  readonly currency: string
  readonly instances: readonly (Selectable<InstanceTable> & { readonly customer?: string | null })[]
  /** The carrier sync of each instance that synced. */
  readonly syncs: readonly Selectable<SyncTable>[]
  /** How far each of those syncs has come (SIMs, calls, time left), in the order of `syncs`. */
  readonly syncProgress: readonly SyncProgress[]
  readonly transitions: readonly { readonly entity: TransitionEntity; readonly from: SessionStatus | null; readonly to: SessionStatus; readonly message: string | null; readonly at: number }[]
  /** 0-100. */
  readonly percent: number
  /** What the optimizer reported over the components solved so far (`optimizer-runs.ts`); undefined before the first. */
  readonly optimizer: OptimizerInfo | undefined
}

const sessionColumns = [
  'sessions.id',
  'tenants.name as tenant',
  'service_providers.name as provider',
  'billing_periods.name as period',
  'sessions.status',
  'sessions.message',
  'sessions.trigger',
  'sessions.attempt',
  'sessions.created_at',
  'sessions.finished_at',
  'service_providers.settings as provider_settings',
] as const

function baseQuery(db: Db) {
  return db
    .selectFrom('sessions')
    .innerJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .innerJoin('service_providers', 'service_providers.id', 'sessions.provider_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'sessions.period_id')
    .select(sessionColumns)
}

/** A session as lists show it: its row, and its instance's figures (null until the instance has them). */
export interface SessionListItem extends Omit<SessionView, 'instances' | 'syncs' | 'syncProgress' | 'transitions' | 'percent' | 'optimizer'> {
  readonly sims: number | null
  readonly costBefore: number | null
  readonly costAfter: number | null
  readonly changes: number | null
}

/** Which sessions to list: one tenant's (default all), created before `before` (epoch ms; a keyset page), at most `limit` (default 20). */
export interface SessionListFilter {
  readonly tenantId?: string
  readonly before?: number
  readonly limit?: number
}

/** Sessions, newest first, with their instance's figures. */
export async function listSessions(db: Db, filter: SessionListFilter = {}): Promise<SessionListItem[]> {
  // One line per session: a customer session has an instance per customer, whose bills add up (its cost with
  // shared pools priced whole would count a shared pool once per customer in it).
  const totals = db
    .selectFrom('instances')
    .select((eb) => [
      'instances.session_id',
      eb.fn.sum<number | null>('instances.sims').as('sims'),
      eb.fn.sum<number | null>(eb.fn.coalesce('instances.bill_before', 'instances.cost_before')).as('cost_before'),
      eb.fn.sum<number | null>(eb.fn.coalesce('instances.bill_after', 'instances.cost_after')).as('cost_after'),
      eb.fn.sum<number | null>('instances.changes').as('changes'),
    ])
    .groupBy('instances.session_id')
    .as('totals')
  let query = baseQuery(db)
    .leftJoin(totals, 'totals.session_id', 'sessions.id')
    .select(['totals.sims', 'totals.cost_before', 'totals.cost_after', 'totals.changes'])
  if (filter.tenantId !== undefined) query = query.where('sessions.tenant_id', '=', filter.tenantId)
  if (filter.before !== undefined) query = query.where('sessions.created_at', '<', filter.before)
  const rows = await query.orderBy('sessions.created_at', 'desc').limit(filter.limit ?? 20).execute()
  const figure = (value: number | string | null) => (value === null ? null : Number(value))
  return rows.map((row) => ({ ...toView(row), sims: figure(row.sims), costBefore: figure(row.cost_before), costAfter: figure(row.cost_after), changes: figure(row.changes) }))
}

export async function findSession(db: Db, id: string): Promise<SessionView | undefined> {
  const row = await baseQuery(db).where('sessions.id', '=', id).executeTakeFirst()
  if (row === undefined) return undefined
  const instances = await db
    .selectFrom('instances')
    .leftJoin('customers', 'customers.id', 'instances.customer_id')
    .selectAll('instances')
    .select('customers.external_id as customer')
    .where('session_id', '=', id)
    .orderBy('instances.created_at')
    .orderBy('customers.external_id')
    .execute()
  const transitions = await db
    .selectFrom('state_transitions')
    .select(['entity', 'from_status', 'to_status', 'message', 'at'])
    .where('entity_id', 'in', [id, ...instances.map((instance) => instance.id)])
    .orderBy('seq')
    .execute()
  const syncs = await syncsOf(db, instances)
  const syncProgress = await syncProgressOf(db, syncs)
  return {
    ...toView(row),
    instances,
    syncs,
    syncProgress,
    transitions: transitions.map((t) => ({ entity: t.entity, from: t.from_status, to: t.to_status, message: t.message, at: t.at })),
    percent: progressPercent(row.status, instances, syncProgress),
    optimizer: await sessionOptimizerInfo(db, id),
  }
}

async function syncsOf(db: Db, instances: readonly Selectable<InstanceTable>[]): Promise<Selectable<SyncTable>[]> {
  if (instances.length === 0) return []
  return db.selectFrom('syncs').selectAll().where('instance_id', 'in', instances.map((instance) => instance.id)).execute()
}

/** A session's percent as `progressPercent` tells it, read from the store (the webhook's `percent`). */
export async function sessionPercent(db: Db, status: SessionStatus, instances: readonly Selectable<InstanceTable>[]): Promise<number> {
  return progressPercent(status, instances, await syncProgressOf(db, await syncsOf(db, instances)))
}

/**
 * Progress of a session: building the problem is 5-10%, the components (counted as they finish) take it
 * to 95%, finalizing does the rest. An instance that syncs from its carrier first spends the first half on
 * the sync (its SIMs read, `sync-progress.ts`) and the rest, halved, after it.
 */
export function progressPercent(status: SessionStatus, instances: readonly Selectable<InstanceTable>[], syncs: readonly SyncProgress[] = []): number {
  if (status === 'done') return 100
  if (status === 'pending' || instances.length === 0) return 0
  let sum = 0
  for (const instance of instances) {
    const sync = syncs.find((each) => each.instanceId === instance.id)
    const afterSync = instancePercent(instance)
    // Syncing before the sync's first job has committed: nothing read yet.
    if (sync === undefined) sum += instance.status === 'syncing' ? 0 : afterSync
    else sum += sync.stage === 'done' ? 50 + afterSync / 2 : 50 * sync.fraction
  }
  return Math.floor(sum / instances.length)
}

function instancePercent(instance: Selectable<InstanceTable>): number {
  if (instance.status === 'done') return 100
  if (instance.status === 'finalizing') return 95
  if (instance.component_count === null) return 5
  return 10 + (85 * instance.components_done) / Math.max(1, instance.component_count)
}

function toView(row: {
  id: string
  tenant: string
  provider: string
  period: string
  status: SessionStatus
  message: string | null
  trigger: SessionTrigger
  attempt: number
  created_at: number
  finished_at: number | null
  provider_settings: string
}) {
  return {
    id: row.id,
    tenant: row.tenant,
    provider: row.provider,
    period: row.period,
    status: row.status,
    message: row.message,
    trigger: row.trigger,
    attempt: row.attempt,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    currency: parseProviderSettings(row.provider_settings, row.provider).currency,
  }
}
