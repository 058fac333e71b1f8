/**
 * Starting and restarting sessions: the one entry point the command line (and later the API and the
 * scheduler) use. Only one session per tenant and billing period runs at a time; the database enforces
 * it (a unique key held while a session runs), so two starts racing each other cannot both win.
 */
import { randomUUID } from 'node:crypto'
import type { Config } from '../config.js'
import { SimoptError, isSimoptError, quoteInput } from '../domain/index.js'
import {
  customerSessionScope,
  findCustomer,
  findTenant,
  listProviders,
  setSessionCustomer,
  deleteInstancesOf,
  ensurePeriod,
  findProvider,
  inTransaction,
  insertSession,
  instanceIdsOf,
  isFinished,
  reopenSession,
  sessionHolding,
  sessionStatus,
  sessionToRestart,
  setInstanceStatus,
  takeBackUnstartedSession,
  type SessionStatus,
  type SessionTrigger,
  type SessionType,
  type Store,
  type Trx,
} from '../store/index.js'
import { recordJobs } from './job-log.js'
import { job } from './job.js'
import type { Job, JobQueue } from './job.js'
import { queueEmail } from './queue-message.js'
import { moveSession } from './session-progress.js'

export interface SessionRequest {
  readonly tenant: string
  readonly provider: string
  /** `YYYY-MM`. */
  readonly period: string
  readonly trigger: SessionTrigger
  readonly type?: SessionType
  /** false: optimize what is stored, without syncing from the carrier first. Default true. */
  readonly sync?: boolean
  /** false: a refusal (a session still running) is not e-mailed to the tenant. Default true. */
  readonly notifyRefusal?: boolean
}

/**
 * @returns the new session's id.
 * @throws SimoptError `UNAVAILABLE` when the queue cannot be reached (nothing is written), `TENANT_NOT_FOUND` /
 *   `PROVIDER_NOT_FOUND`, `INPUT_INVALID` for a malformed period, `SESSION_ALREADY_RUNNING` when a session of
 *   the same tenant and period is still running (the tenant is told by e-mail too, unless `notifyRefusal` is false).
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
    await insertSession(trx, { id, tenantId: provider.tenant_id, providerId: provider.id, periodId: period.id, type: request.type ?? 'carrier', trigger: request.trigger, runningKey, sync: request.sync !== false })
    await recordJobs(trx, [first])
  })
  await publishFirstJob(store, queue, id, first)
  return id
}

/**
 * Queues a new session's first job. When the queue went away since `ready`, the session is taken back rather
 * than left pending for some worker to find later.
 */
async function publishFirstJob(store: Store, queue: JobQueue, sessionId: string, first: ReturnType<typeof job>): Promise<void> {
  try {
    await queue.publish([first])
  } catch (error) {
    if (isSimoptError(error) && error.code === 'UNAVAILABLE') await takeBackUnstartedSession(store, sessionId, first.id)
    throw error
  }
}

/** A customer session (issue 20): every customer of the tenant, or one, for a period. */
export interface CustomerSessionRequest {
  readonly tenant: string
  /** `YYYY-MM`. */
  readonly period: string
  /** The customer's external id; absent: all the tenant's customers. */
  readonly customer?: string | undefined
  readonly trigger: SessionTrigger
}

/**
 * Starts a customer session: no carrier sync (the last synced usage is priced), no push. It is filed under the
 * tenant's first provider by name (a session belongs to one) and holds its own running key, so a customer session
 * and a carrier session of the same period do not block each other; two customer sessions of a period do.
 * @returns the new session's id.
 * @throws SimoptError `UNAVAILABLE`, `TENANT_NOT_FOUND`, `PROVIDER_NOT_FOUND` (the tenant has none), `NOT_FOUND`
 *   (the customer), `INPUT_INVALID` (the period), `SESSION_ALREADY_RUNNING`.
 */
export async function startCustomerSession(store: Store, queue: JobQueue, config: Config, request: CustomerSessionRequest): Promise<string> {
  await queue.ready()
  const tenant = await findTenant(store.db, request.tenant)
  if (tenant === undefined) throw new SimoptError('TENANT_NOT_FOUND', `tenant ${quoteInput(request.tenant)} does not exist`)
  const providers = await listProviders(store.db, tenant.id)
  if (providers.length === 0) throw new SimoptError('PROVIDER_NOT_FOUND', `tenant ${request.tenant} has no service provider, so no SIM to bill (simopt import)`)
  const provider = await findProvider(store.db, request.tenant, providers[0]!.name)
  const customer = request.customer === undefined ? undefined : await findCustomer(store.db, tenant.id, request.customer)
  const period = await ensurePeriod(store.db, provider, request.period)
  const id = randomUUID()
  const runningKey = `${tenant.id}/${period.name}/customers`
  const first = job('start-session', id, 1)
  const refused = { queue, config, tenantId: tenant.id, provider: provider.name, notify: true }
  await holdingRunningKey(store, runningKey, request, refused, async (trx) => {
    await insertSession(trx, { id, tenantId: tenant.id, providerId: provider.id, periodId: period.id, type: 'customer', trigger: request.trigger, runningKey, sync: false })
    if (customer !== undefined) await setSessionCustomer(trx, id, customer.id)
    await recordJobs(trx, [first])
  })
  await publishFirstJob(store, queue, id, first)
  return id
}

/**
 * Runs a failed or cancelled session again from the start: its instances and results are dropped and a
 * new attempt is queued.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` for a session that is not failed or cancelled (or
 *   was restarted by someone else meanwhile), `SESSION_ALREADY_RUNNING` when another session of its tenant and
 *   period runs, `UNAVAILABLE` when the queue cannot be reached.
 */
export async function restartSession(store: Store, queue: JobQueue, config: Config, sessionId: string): Promise<void> {
  await queue.ready()
  const session = await sessionToRestart(store.db, sessionId)
  if (session === undefined) throw new SimoptError('SESSION_NOT_FOUND', `session ${sessionId} does not exist`)
  if (!RESTARTABLE.includes(session.status)) {
    throw new SimoptError('STATE_CONFLICT', `session ${sessionId} is ${session.status}; only a failed or cancelled session can be restarted`)
  }
  const attempt = session.attempt + 1
  const next = job('start-session', sessionId, attempt)
  const customers = (await customerSessionScope(store.db, sessionId)).type === 'customer'
  const runningKey = `${session.tenantId}/${session.period}${customers ? '/customers' : ''}`
  const refused = { queue, config, tenantId: session.tenantId, provider: session.provider, notify: true }
  let events: Job[] = []
  await holdingRunningKey(store, runningKey, { tenant: session.tenant, period: session.period }, refused, async (trx) => {
    // Taken only from the state read above: of two restarts at once, the second changes nothing.
    if (!(await reopenSession(trx, sessionId, session.attempt, runningKey))) throw new SimoptError('STATE_CONFLICT', `session ${sessionId} was restarted by someone else meanwhile`)
    await deleteInstancesOf(trx, sessionId)
    events = await moveSession(trx, config, sessionId, 'pending', `restarted (attempt ${attempt})`)
    await recordJobs(trx, [next, ...events])
  })
  await queue.publish([next, ...events])
}

const RESTARTABLE: readonly SessionStatus[] = ['failed', 'cancelled']

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
  work: (trx: Trx) => Promise<void>,
): Promise<void> {
  const running = async () => sessionHolding(store.db, runningKey)
  const refuse = async (holder: { id: string; status: SessionStatus }): Promise<never> => {
    if (refusal.notify) await notifyRefusal(holder)
    throw new SimoptError('SESSION_ALREADY_RUNNING', `a session for tenant ${request.tenant} and period ${request.period} is already running: ${holder.id} (${holder.status})`)
  }
  const notifyRefusal = async (holder: { id: string; status: SessionStatus }): Promise<void> => {
    const notice = { kind: 'already-running', tenant: request.tenant, provider: refusal.provider, period: request.period, runningSessionId: holder.id, status: holder.status } as const
    const jobs = await inTransaction(store, async (trx) => {
      const queued = await queueEmail(trx, refusal.config, { tenantId: refusal.tenantId, sessionId: null }, notice)
      await recordJobs(trx, queued)
      return queued
    })
    await refusal.queue.publish(jobs)
  }
  const holder = await running()
  if (holder !== undefined && !isFinished(holder.status)) await refuse(holder)
  try {
    await inTransaction(store, work)
  } catch (error) {
    const winner = await running()
    if (winner !== undefined) await refuse(winner)
    throw error
  }
}

/**
 * Cancels a session that has not ended: it and its instances end `cancelled`, the tenant's period is free
 * again, and the jobs still queued for it are skipped when they come (the runner skips ended sessions).
 * @throws SimoptError `SESSION_NOT_FOUND`, or `STATE_CONFLICT` for a session that has ended.
 */
export async function cancelSession(store: Store, queue: JobQueue, config: Config, sessionId: string, by: string): Promise<void> {
  const jobs = await inTransaction(store, async (trx) => {
    const status = await sessionStatus(trx, sessionId)
    if (status === undefined) throw new SimoptError('SESSION_NOT_FOUND', `session ${sessionId} does not exist`)
    if (isFinished(status)) throw new SimoptError('STATE_CONFLICT', `session ${sessionId} is ${status}; only a session that has not ended can be cancelled`)
    for (const instanceId of await instanceIdsOf(trx, sessionId)) await setInstanceStatus(trx, instanceId, 'cancelled', `cancelled by ${by}`)
    const events = await moveSession(trx, config, sessionId, 'cancelled', `cancelled by ${by}`)
    await recordJobs(trx, events)
    return events
  })
  await queue.publish(jobs)
}
