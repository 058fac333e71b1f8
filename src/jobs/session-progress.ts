/**
 * A session moving from stage to stage, with what that tells the outside: every status change goes to
 * the tenant's webhook with the session's percentage, and a failure also as an error (and, for a failed
 * carrier sync, an e-mail). Stages move sessions only through here.
 */
import type { Config } from '../config.js'
import { instanceIdsOf, instancesOf, sessionFacts, sessionPercent, setInstanceStatus, setSessionStatus, type Db, type SessionStatus, type Trx } from '../store/index.js'
import type { Job, JobType } from './job.js'
import { queueEmail, queueWebhook } from './queue-message.js'

// Where stages and messages have found it; it lives in the store.
export { sessionFacts } from '../store/index.js'

/** Moves the session to `to` and queues its webhook event; nothing when it is there already. */
export async function moveSession(trx: Trx, config: Config, sessionId: string, to: SessionStatus, message: string | null = null): Promise<Job[]> {
  if (!(await setSessionStatus(trx, sessionId, to, message))) return []
  return sessionEvent(trx, config, sessionId, to === 'failed' ? 'error' : 'progress')
}

/** Reports progress within a stage (components finishing), as the webhook's `progress` event. */
export async function reportProgress(trx: Trx, config: Config, sessionId: string): Promise<Job[]> {
  return sessionEvent(trx, config, sessionId, 'progress')
}

/** The session's percent now (`progressPercent`): what a stage reads before it moves the session on. */
export async function percentOfSession(db: Db, sessionId: string): Promise<number> {
  const facts = await sessionFacts(db, sessionId)
  return sessionPercent(db, facts.status, await instancesOf(db, sessionId))
}

/**
 * Reports progress within a stage (a carrier sync's jobs) when the session's percent has passed a multiple
 * of `step` since it was `before`: a webhook event every few percent, not one per job.
 */
export async function reportProgressPast(trx: Trx, config: Config, sessionId: string, before: number, step = 5): Promise<Job[]> {
  const now = await percentOfSession(trx, sessionId)
  return Math.floor(now / step) > Math.floor(before / step) ? reportProgress(trx, config, sessionId) : []
}

/** Moves an instance and its session together (a session has one instance per provider and period). */
export async function moveInstance(trx: Trx, config: Config, instanceId: string, sessionId: string, to: SessionStatus): Promise<Job[]> {
  await setInstanceStatus(trx, instanceId, to)
  return moveSession(trx, config, sessionId, to)
}

/** Ends the session and its instances as failed; `stage` is the job type that failed. */
export async function failSessionNotifying(trx: Trx, config: Config, sessionId: string, message: string, stage: JobType): Promise<Job[]> {
  for (const instanceId of await instanceIdsOf(trx, sessionId)) await setInstanceStatus(trx, instanceId, 'failed', message)
  const jobs = await moveSession(trx, config, sessionId, 'failed', message)
  if (stage === 'sync-devices' || stage === 'sync-usage') {
    const facts = await sessionFacts(trx, sessionId)
    jobs.push(...(await queueEmail(trx, config, { tenantId: facts.tenantId, sessionId }, { kind: 'sync-error', ...facts, sessionId, error: message })))
  }
  return jobs
}

async function sessionEvent(db: Db, config: Config, sessionId: string, event: 'progress' | 'error'): Promise<Job[]> {
  const facts = await sessionFacts(db, sessionId)
  const instances = await instancesOf(db, sessionId)
  return queueWebhook(db, config, facts.tenantId, {
    event,
    sessionId,
    tenant: facts.tenant,
    provider: facts.provider,
    period: facts.period,
    status: facts.status,
    percent: await sessionPercent(db, facts.status, instances),
    message: facts.message,
    at: Date.now(),
  })
}
