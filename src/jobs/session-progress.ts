/**
 * A session moving from stage to stage, with what that tells the outside: every status change goes to
 * the tenant's webhook with the session's percentage, and a failure also as an error (and, for a failed
 * carrier sync, an e-mail). Stages move sessions only through here.
 */
import type { Config } from '../config.js'
import type { Db } from '../store/database.js'
import { progressPercent } from '../store/session-views.js'
import { setInstanceStatus, setSessionStatus, type SessionStatus } from '../store/transitions.js'
import type { Job, JobType } from './job.js'
import { queueEmail, queueWebhook } from './notices.js'
import type { Transaction } from 'kysely'
import type { Database } from '../store/schema.js'

type Trx = Transaction<Database>

/** Moves the session to `to` and queues its webhook event; nothing when it is there already. */
export async function moveSession(trx: Trx, config: Config, sessionId: string, to: SessionStatus, message: string | null = null): Promise<Job[]> {
  if (!(await setSessionStatus(trx, sessionId, to, message))) return []
  return sessionEvent(trx, config, sessionId, to === 'failed' ? 'error' : 'progress')
}

/** Reports progress within a stage (components finishing), as the webhook's `progress` event. */
export async function reportProgress(trx: Trx, config: Config, sessionId: string): Promise<Job[]> {
  return sessionEvent(trx, config, sessionId, 'progress')
}

/** Moves an instance and its session together (a session has one instance per provider and period). */
export async function moveInstance(trx: Trx, config: Config, instanceId: string, sessionId: string, to: SessionStatus): Promise<Job[]> {
  await setInstanceStatus(trx, instanceId, to)
  return moveSession(trx, config, sessionId, to)
}

/** Ends the session and its instances as failed; `stage` is the job type that failed. */
export async function failSessionNotifying(trx: Trx, config: Config, sessionId: string, message: string, stage: JobType): Promise<Job[]> {
  const instances = await trx.selectFrom('instances').select('id').where('session_id', '=', sessionId).execute()
  for (const instance of instances) await setInstanceStatus(trx, instance.id, 'failed', message)
  const jobs = await moveSession(trx, config, sessionId, 'failed', message)
  if (stage === 'sync-devices' || stage === 'sync-usage') {
    const facts = await sessionFacts(trx, sessionId)
    jobs.push(...(await queueEmail(trx, config, { tenantId: facts.tenantId, sessionId }, { kind: 'sync-error', ...facts, sessionId, error: message })))
  }
  return jobs
}

async function sessionEvent(db: Db, config: Config, sessionId: string, event: 'progress' | 'error'): Promise<Job[]> {
  const facts = await sessionFacts(db, sessionId)
  const instances = await db.selectFrom('instances').selectAll().where('session_id', '=', sessionId).execute()
  return queueWebhook(db, config, facts.tenantId, {
    event,
    sessionId,
    tenant: facts.tenant,
    provider: facts.provider,
    period: facts.period,
    status: facts.status,
    percent: progressPercent(facts.status, instances),
    message: facts.message,
    at: Date.now(),
  })
}

/** Who and what a session is, as messages name it. */
export async function sessionFacts(db: Db, sessionId: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .innerJoin('service_providers', 'service_providers.id', 'sessions.provider_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'sessions.period_id')
    .select(['sessions.tenant_id as tenantId', 'tenants.name as tenant', 'service_providers.name as provider', 'billing_periods.name as period', 'sessions.status', 'sessions.message'])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirstOrThrow()
}
