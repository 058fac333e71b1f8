/**
 * Starting and restarting sessions: the one entry point the command line (and later the API and the
 * scheduler) use. Only one session per tenant and billing period runs at a time; the database enforces
 * it (a unique key held while a session runs), so two starts racing each other cannot both win.
 */
import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Config } from '../config.js'
import { SimoptError, isSimoptError } from '../domain/index.js'
import { ensurePeriod, findProvider } from '../store/accounts.js'
import type { Store } from '../store/database.js'
import type { Database } from '../store/schema.js'
import { takeBackUnstartedSession } from '../store/unstarted-session.js'
import { FINISHED_STATUSES, setInstanceStatus, type SessionStatus } from '../store/transitions.js'
import { recordJobs } from './job-log.js'
import { job } from './job.js'
import type { Job, JobQueue } from './job.js'
import { queueEmail } from './notices.js'
import { moveSession } from './session-progress.js'

export interface SessionRequest {
  readonly tenant: string
  readonly provider: string
  /** `YYYY-MM`. */
  readonly period: string
  readonly trigger: 'manual' | 'schedule' | 'api'
  readonly type?: 'carrier' | 'customer'
  /** false: optimize what is stored, without syncing from the carrier first. Default true. */
  readonly sync?: boolean
  /** false: a refusal (a session still running) is not e-mailed to the tenant. Default true. */
  readonly notifyRefusal?: boolean
}

/**
 * @throws SimoptError `INPUT_INVALID` for an unknown tenant or provider, a malformed period, or a session
 *   of the same tenant and period that is still running (the tenant is told by e-mail too).
 */
export async function startSession(store: Store, queue: JobQueue, config: Config, request: SessionRequest): Promise<string> {
  // A queue that cannot be reached refuses the start before anything (even the period) is written.
  await queue.ready()
  const provider = await findProvider(store.db, request.tenant, request.provider)
  const period = await ensurePeriod(store.db, provider, request.period)
  const id = randomUUID()
  const runningKey = `${provider.tenant_id}/${period.name}`
  const first = job('start-session', id, 1)
  const refused = { queue, config, tenantId: provider.tenant_id, provider: provider.name, notify: request.notifyRefusal !== false }
  await holdingRunningKey(store, runningKey, request, refused, async (trx) => {
    const now = Date.now()
    await trx
      .insertInto('sessions')
      .values({
        id,
        tenant_id: provider.tenant_id,
        provider_id: provider.id,
        period_id: period.id,
        type: request.type ?? 'carrier',
        trigger: request.trigger,
        status: 'pending',
        message: null,
        attempt: 1,
        running_key: runningKey,
        sync: request.sync === false ? 0 : 1,
        created_at: now,
        updated_at: now,
        finished_at: null,
      })
      .execute()
    await trx.insertInto('state_transitions').values({ entity: 'session', entity_id: id, from_status: null, to_status: 'pending', message: null, at: now }).execute()
    await recordJobs(trx, [first])
  })
  try {
    await queue.publish([first])
  } catch (error) {
    // The queue went away since `ready`: undo rather than leave a pending session for some worker to find later.
    if (isSimoptError(error) && error.code === 'UNAVAILABLE') await takeBackUnstartedSession(store, id, first.id)
    throw error
  }
  return id
}

/**
 * Runs a failed or cancelled session again from the start: its instances and results are dropped and a
 * new attempt is queued.
 */
export async function restartSession(store: Store, queue: JobQueue, config: Config, sessionId: string): Promise<void> {
  await queue.ready()
  const session = await store.db
    .selectFrom('sessions')
    .innerJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .innerJoin('service_providers', 'service_providers.id', 'sessions.provider_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'sessions.period_id')
    .select(['sessions.status', 'sessions.attempt', 'sessions.tenant_id', 'tenants.name as tenant', 'service_providers.name as provider', 'billing_periods.name as period'])
    .where('sessions.id', '=', sessionId)
    .executeTakeFirst()
  if (session === undefined) throw new SimoptError('SESSION_NOT_FOUND', `session ${sessionId} does not exist`)
  if (!['failed', 'cancelled'].includes(session.status)) {
    throw new SimoptError('STATE_CONFLICT', `session ${sessionId} is ${session.status}; only a failed or cancelled session can be restarted`)
  }
  const attempt = session.attempt + 1
  const next = job('start-session', sessionId, attempt)
  const runningKey = `${session.tenant_id}/${session.period}`
  const refused = { queue, config, tenantId: session.tenant_id, provider: session.provider, notify: true }
  let events: Job[] = []
  await holdingRunningKey(store, runningKey, { tenant: session.tenant, period: session.period }, refused, async (trx) => {
    // Taken only from the state read above: of two restarts at once, the second changes nothing.
    const taken = await trx
      .updateTable('sessions')
      .set({ attempt, running_key: runningKey, finished_at: null })
      .where('id', '=', sessionId)
      .where('status', 'in', ['failed', 'cancelled'])
      .where('attempt', '=', session.attempt)
      .returning('id')
      .executeTakeFirst()
    if (taken === undefined) throw new SimoptError('STATE_CONFLICT', `session ${sessionId} was restarted by someone else meanwhile`)
    await trx.deleteFrom('instances').where('session_id', '=', sessionId).execute()
    events = await moveSession(trx, config, sessionId, 'pending', `restarted (attempt ${attempt})`)
    await recordJobs(trx, [next, ...events])
  })
  await queue.publish([next, ...events])
}

/** Who to tell, and how, when a start is refused. */
interface Refusal {
  readonly queue: JobQueue
  readonly config: Config
  readonly tenantId: string
  readonly provider: string
  /** E-mail the tenant (`already-running`). */
  readonly notify: boolean
}

/**
 * Runs `work` in a transaction that takes the running key, or explains which session holds it, to the
 * caller and, by the `already-running` e-mail, to the tenant.
 */
async function holdingRunningKey(
  store: Store,
  runningKey: string,
  request: { tenant: string; period: string },
  refusal: Refusal,
  work: (trx: Transaction<Database>) => Promise<void>,
): Promise<void> {
  const running = async () =>
    store.db.selectFrom('sessions').select(['id', 'status']).where('running_key', '=', runningKey).executeTakeFirst()
  const refuse = async (holder: { id: string; status: string }): Promise<never> => {
    if (refusal.notify) await notifyRefusal(holder)
    throw new SimoptError('SESSION_ALREADY_RUNNING', `a session for tenant ${request.tenant} and period ${request.period} is already running: ${holder.id} (${holder.status})`)
  }
  const notifyRefusal = async (holder: { id: string; status: string }): Promise<void> => {
    const notice = { kind: 'already-running', tenant: request.tenant, provider: refusal.provider, period: request.period, runningSessionId: holder.id, status: holder.status } as const
    const jobs = await store.db.transaction().execute(async (trx) => {
      const queued = await queueEmail(trx, refusal.config, { tenantId: refusal.tenantId, sessionId: null }, notice)
      await recordJobs(trx, queued)
      return queued
    })
    await refusal.queue.publish(jobs)
  }
  const holder = await running()
  if (holder !== undefined && !FINISHED_STATUSES.includes(holder.status)) await refuse(holder)
  try {
    await store.db.transaction().execute(work)
  } catch (error) {
    const winner = await running()
    if (winner !== undefined) await refuse(winner)
    throw error
  }
}

/**
 * Cancels a session that has not ended: it and its instances end `cancelled`, the tenant's period is free
 * again, and the jobs still queued for it are skipped when they come (the runner skips ended sessions).
 * @throws SimoptError `INPUT_INVALID` for an unknown or ended session.
 */
export async function cancelSession(store: Store, queue: JobQueue, config: Config, sessionId: string, by: string): Promise<void> {
  const jobs = await store.db.transaction().execute(async (trx) => {
    const session = await trx.selectFrom('sessions').select('status').where('id', '=', sessionId).executeTakeFirst()
    if (session === undefined) throw new SimoptError('SESSION_NOT_FOUND', `session ${sessionId} does not exist`)
    if (FINISHED_STATUSES.includes(session.status)) throw new SimoptError('STATE_CONFLICT', `session ${sessionId} is ${session.status}; only a session that has not ended can be cancelled`)
    const instances = await trx.selectFrom('instances').select('id').where('session_id', '=', sessionId).execute()
    for (const instance of instances) await setInstanceStatus(trx, instance.id, 'cancelled', `cancelled by ${by}`)
    const events = await moveSession(trx, config, sessionId, 'cancelled', `cancelled by ${by}`)
    await recordJobs(trx, events)
    return events
  })
  await queue.publish(jobs)
}
