/** Sessions: recording a start and a restart, the running key that lets one run per tenant and period, and lookups. */
import type { Db } from './database.js'
import type { SessionStatus } from './statuses.js'

export type SessionTrigger = 'manual' | 'schedule' | 'api'
export type SessionType = 'carrier' | 'customer'

export interface NewSession {
  readonly id: string
  readonly tenantId: string
  readonly providerId: string
  readonly periodId: string
  readonly type: SessionType
  readonly trigger: SessionTrigger
  /** Held while the session runs; its unique index refuses a second running session of the tenant and period. */
  readonly runningKey: string
  /** false: optimize what is stored, without syncing from the carrier first. */
  readonly sync: boolean
}

/** Records a session `pending`, with its first transition. @throws the database's unique violation when the running key is held. */
export async function insertSession(db: Db, session: NewSession, now = Date.now()): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      tenant_id: session.tenantId,
      provider_id: session.providerId,
      period_id: session.periodId,
      type: session.type,
      trigger: session.trigger,
      status: 'pending' satisfies SessionStatus,
      message: null,
      attempt: 1,
      running_key: session.runningKey,
      sync: session.sync ? 1 : 0,
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    .execute()
  await db.insertInto('state_transitions').values({ entity: 'session', entity_id: session.id, from_status: null, to_status: 'pending', message: null, at: now }).execute()
}

export async function sessionStatus(db: Db, sessionId: string): Promise<SessionStatus | undefined> {
  return (await db.selectFrom('sessions').select('status').where('id', '=', sessionId).executeTakeFirst())?.status
}

/** The session holding `runningKey` (one that runs, or ran and has not let go of it yet). */
export async function sessionHolding(db: Db, runningKey: string): Promise<{ id: string; status: SessionStatus } | undefined> {
  return db.selectFrom('sessions').select(['id', 'status']).where('running_key', '=', runningKey).executeTakeFirst()
}

/** Who and what a session is, as messages name it. */
export interface SessionFacts {
  readonly tenantId: string
  readonly tenant: string
  readonly provider: string
  readonly period: string
  readonly status: SessionStatus
  readonly message: string | null
}

/** @throws Error when the session does not exist (callers hold one of its jobs). */
export async function sessionFacts(db: Db, sessionId: string): Promise<SessionFacts> {
  return namedSession(db)
    .select(['sessions.tenant_id as tenantId', 'tenants.name as tenant', 'service_providers.name as provider', 'billing_periods.name as period', 'sessions.status', 'sessions.message'])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirstOrThrow()
}

/** What a restart needs of a session: its state and attempt, and the names a refusal gives. */
export interface SessionToRestart {
  readonly status: SessionStatus
  readonly attempt: number
  readonly tenantId: string
  readonly tenant: string
  readonly provider: string
  readonly period: string
}

export async function sessionToRestart(db: Db, sessionId: string): Promise<SessionToRestart | undefined> {
  return namedSession(db)
    .select(['sessions.status', 'sessions.attempt', 'sessions.tenant_id as tenantId', 'tenants.name as tenant', 'service_providers.name as provider', 'billing_periods.name as period'])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst()
}

/**
 * Takes a failed or cancelled session for its next attempt, only from the state the caller read (`attempt`):
 * of two restarts at once, the second changes nothing. It holds the running key again.
 * @returns false when it was not in that state any more.
 */
export async function reopenSession(db: Db, sessionId: string, attempt: number, runningKey: string): Promise<boolean> {
  const taken = await db
    .updateTable('sessions')
    .set({ attempt: attempt + 1, running_key: runningKey, finished_at: null })
    .where('id', '=', sessionId)
    .where('status', 'in', ['failed', 'cancelled'] satisfies SessionStatus[])
    .where('attempt', '=', attempt)
    .returning('id')
    .executeTakeFirst()
  return taken !== undefined
}

/** What the first stage needs to open a session's instance. */
export interface SessionStart {
  readonly providerId: string
  readonly periodId: string
  readonly sync: boolean
  /** The provider's integration (`jasper`, `files`). */
  readonly integration: string
}

/** @throws Error when the session does not exist. */
export async function sessionStart(db: Db, sessionId: string): Promise<SessionStart> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('service_providers', 'service_providers.id', 'sessions.provider_id')
    .select(['sessions.provider_id', 'sessions.period_id', 'sessions.sync', 'service_providers.integration'])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirstOrThrow()
  return { providerId: row.provider_id, periodId: row.period_id, sync: row.sync === 1, integration: row.integration }
}

/** @throws Error when the session does not exist. */
export async function sessionTenantId(db: Db, sessionId: string): Promise<string> {
  return (await db.selectFrom('sessions').select('tenant_id').where('id', '=', sessionId).executeTakeFirstOrThrow()).tenant_id
}

/** A session started by `trigger` for the provider since `since` (epoch ms), if any. */
export async function sessionStartedSince(db: Db, providerId: string, trigger: SessionTrigger, since: number): Promise<string | undefined> {
  const row = await db.selectFrom('sessions').select('id').where('provider_id', '=', providerId).where('trigger', '=', trigger).where('created_at', '>=', since).executeTakeFirst()
  return row?.id
}

function namedSession(db: Db) {
  return db
    .selectFrom('sessions')
    .innerJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .innerJoin('service_providers', 'service_providers.id', 'sessions.provider_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'sessions.period_id')
}
