/** Instances (one per session, provider and period): opening one, their figures and push decision, and lookups. */
import { sql, type Insertable, type Selectable } from 'kysely'
import type { Db, Dialect } from './database.js'
import type { InstanceTable } from './schema.js'
import type { InstanceStatus, PushVerdict } from './statuses.js'

export type InstanceRow = Selectable<InstanceTable>

/** Opens a `pending` instance of the session, without figures yet. */
export async function insertInstance(db: Db, instance: { id: string; sessionId: string; providerId: string; periodId: string }, now = Date.now()): Promise<void> {
  await db.insertInto('instances').values(pendingInstanceRow(instance, now)).execute()
}

/** The row of a `pending` instance without figures yet; a customer session's names its customer. */
export function pendingInstanceRow(instance: { id: string; sessionId: string; providerId: string; periodId: string; customerId?: string }, now: number): Insertable<InstanceTable> {
  return {
    id: instance.id,
    session_id: instance.sessionId,
    provider_id: instance.providerId,
    period_id: instance.periodId,
    ...(instance.customerId === undefined ? {} : { customer_id: instance.customerId }),
    status: 'pending' satisfies InstanceStatus,
    message: null,
    sims: null,
    component_count: null,
    components_done: 0,
    cost_before: null,
    cost_after: null,
    lower_bound: null,
    baseline_cost: null,
    changes: null,
    created_at: now,
    updated_at: now,
    finished_at: null,
  }
}

export async function instanceIdsOf(db: Db, sessionId: string): Promise<string[]> {
  return (await db.selectFrom('instances').select('id').where('session_id', '=', sessionId).execute()).map((row) => row.id)
}

export async function instancesOf(db: Db, sessionId: string): Promise<InstanceRow[]> {
  return db.selectFrom('instances').selectAll().where('session_id', '=', sessionId).execute()
}

/** Drops the session's instances (their results, changes and components go with them: foreign keys cascade). */
export async function deleteInstancesOf(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('instances').where('session_id', '=', sessionId).execute()
}

/** Whether the session has an instance not yet `done`. */
export async function hasUnfinishedInstance(db: Db, sessionId: string): Promise<boolean> {
  return (await db.selectFrom('instances').select('id').where('session_id', '=', sessionId).where('status', '<>', 'done').executeTakeFirst()) !== undefined
}

/** Where an instance stands, for the stages after its optimization. */
export interface InstanceState {
  readonly sessionId: string
  readonly status: InstanceStatus
  /** Billed SIMs left out for want of a usage reading, in a sentence; null when none were. */
  readonly unpricedNote: string | null
  /** When its push was decided (epoch ms); null until then. */
  readonly pushDecidedAt: number | null
}

/** @throws Error when the instance does not exist (callers hold one of its jobs). */
export async function instanceState(db: Db, instanceId: string): Promise<InstanceState> {
  const row = await db.selectFrom('instances').select(['session_id', 'status', 'unpriced_note', 'push_decided_at']).where('id', '=', instanceId).executeTakeFirstOrThrow()
  return { sessionId: row.session_id, status: row.status, unpricedNote: row.unpriced_note, pushDecidedAt: row.push_decided_at }
}

export async function sessionOfInstance(db: Db, instanceId: string): Promise<string | undefined> {
  return (await db.selectFrom('instances').select('session_id').where('id', '=', instanceId).executeTakeFirst())?.session_id
}

export async function sessionOfComponent(db: Db, componentId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('components')
    .innerJoin('instances', 'instances.id', 'components.instance_id')
    .select('instances.session_id')
    .where('components.id', '=', componentId)
    .executeTakeFirst()
  return row?.session_id
}

/**
 * Has PostgreSQL read the statistics of the results just inserted: it plans with the ones it has, and would
 * read a million fresh results back (for the export) by scanning and sorting the table page after page.
 * Nothing to do on SQLite.
 */
export async function analyzeResults(db: Db, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`analyze results`.execute(db)
}

/** Sets the instance's figures to the sums of its components'. */
export async function recordInstanceTotals(db: Db, instanceId: string, now = Date.now()): Promise<void> {
  const totals = await db
    .selectFrom('components')
    .select((eb) => [
      eb.fn.sum<number>('cost_after').as('cost_after'),
      eb.fn.sum<number>('lower_bound').as('lower_bound'),
      eb.fn.sum<number>('baseline_cost').as('baseline_cost'),
      eb.fn.sum<number>('changes').as('changes'),
    ])
    .where('instance_id', '=', instanceId)
    .executeTakeFirstOrThrow()
  await db
    .updateTable('instances')
    .set({
      cost_after: Number(totals.cost_after),
      lower_bound: totals.lower_bound === null ? null : Number(totals.lower_bound),
      baseline_cost: Number(totals.baseline_cost),
      changes: Number(totals.changes),
      updated_at: now,
    })
    .where('id', '=', instanceId)
    .execute()
}

/** What the go / no-go of an instance's push reads: its session, provider, period end and both settings (JSON, parsed by the caller's settings parsers). */
export interface InstancePushFacts {
  readonly sessionId: string
  readonly providerId: string
  readonly provider: string
  readonly providerSettings: string
  /** Start and end of the billing period (epoch ms). */
  readonly periodStartsAt: number
  readonly periodEndsAt: number
  readonly tenant: string
  readonly tenantSettings: string
}

/** @throws Error when the instance does not exist. */
export async function instancePushFacts(db: Db, instanceId: string): Promise<InstancePushFacts> {
  const row = await db
    .selectFrom('instances')
    .innerJoin('service_providers', 'service_providers.id', 'instances.provider_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'instances.period_id')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .select(['instances.session_id', 'instances.provider_id', 'service_providers.name as provider', 'service_providers.settings', 'billing_periods.starts_at', 'billing_periods.ends_at', 'tenants.name as tenant', 'tenants.settings as tenantSettings'])
    .where('instances.id', '=', instanceId)
    .executeTakeFirstOrThrow()
  return {
    sessionId: row.session_id,
    providerId: row.provider_id,
    provider: row.provider,
    providerSettings: row.settings,
    periodStartsAt: row.starts_at,
    periodEndsAt: row.ends_at,
    tenant: row.tenant,
    tenantSettings: row.tenantSettings,
  }
}

export async function recordPushDecision(db: Db, instanceId: string, decision: { verdict: PushVerdict; reason: string; estimatedSeconds: number }, now = Date.now()): Promise<void> {
  await db
    .updateTable('instances')
    .set({ push_decision: decision.verdict, push_reason: decision.reason, push_estimated_seconds: decision.estimatedSeconds, push_decided_at: now })
    .where('id', '=', instanceId)
    .execute()
}
