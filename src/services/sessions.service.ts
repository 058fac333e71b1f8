/**
 * Sessions, as the command line and the API both use them: start, list, one in detail, cancel, restart,
 * and following one until it ends. The pipeline itself (what a start writes and queues) is `jobs/sessions.ts`.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_TIME_ZONE } from '../domain/index.js'
import { job } from '../jobs/job.js'
import { cancelSession as cancelInPipeline, restartSession as restartInPipeline, startCustomerSession as startCustomersInPipeline, startSession as startInPipeline } from '../jobs/sessions.js'
import {
  FINISHED_STATUSES,
  countUnfinishedJobs,
  findSession,
  instanceIdsOfSession,
  listOutbox,
  listSessions as listSessionRows,
  tenantSettingsRecord,
  type SessionListFilter,
  type SessionListItem,
  type SessionView,
} from '../store/index.js'
import { parseTenantSettings } from '../notify/tenant-settings.js'
import type { ServiceContext } from './context.js'
import { reachableSession, sessionNotFound, type TenantScope } from './session-scope.js'

/** Outbox messages as listings show them (without their bodies). */
type MessageLine = Awaited<ReturnType<typeof listOutbox>>[number]

export interface StartSessionInput {
  readonly tenant: string
  readonly provider: string
  /** `YYYY-MM`. */
  readonly period: string
  /** false: optimize what is stored, without syncing from the carrier first. Default true. */
  readonly sync?: boolean | undefined
  readonly trigger: 'manual' | 'api'
}

/**
 * Starts a session; the workers take it from the queue.
 * @throws SimoptError `TENANT_NOT_FOUND`, `PROVIDER_NOT_FOUND`, `INPUT_INVALID` (the period),
 *   `SESSION_ALREADY_RUNNING`, `UNAVAILABLE` (the queue).
 */
export async function startSession(ctx: ServiceContext, input: StartSessionInput): Promise<{ id: string }> {
  const { tenant, provider, period, trigger, sync } = input
  return { id: await startInPipeline(ctx.store, ctx.queue(), ctx.config, { tenant, provider, period, trigger, sync }) }
}

/**
 * Starts a customer session (issue 20): one instance per customer (all, or `customer`), on the last synced usage.
 * @throws SimoptError `TENANT_NOT_FOUND`, `PROVIDER_NOT_FOUND`, `NOT_FOUND` (the customer), `INPUT_INVALID`,
 *   `SESSION_ALREADY_RUNNING`, `UNAVAILABLE`.
 */
export async function startCustomerSession(ctx: ServiceContext, input: { tenant: string; period: string; customer?: string | undefined; trigger: 'manual' | 'api' }): Promise<{ id: string }> {
  return { id: await startCustomersInPipeline(ctx.store, ctx.queue(), ctx.config, input) }
}

/**
 * Runs a failed or cancelled session again from the start.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not failed or cancelled), `SESSION_ALREADY_RUNNING`.
 */
export async function restartSession(ctx: ServiceContext, sessionId: string): Promise<void> {
  await restartInPipeline(ctx.store, ctx.queue(), ctx.config, sessionId)
}

/** Sessions newest first, with their instance's figures (default: every tenant's, the last 20). */
export async function listSessions(ctx: ServiceContext, filter: SessionListFilter = {}): Promise<SessionListItem[]> {
  return listSessionRows(ctx.store.db, filter)
}

/** A session as people read it: with the tenant's time zone, which its times are shown in. */
export interface ShownSession extends SessionView {
  /** IANA zone (the tenant's `timeZone` setting). */
  readonly timeZone: string
}

/**
 * One session: its stages, progress and figures, and the time zone to show its times in.
 * @throws SimoptError `SESSION_NOT_FOUND`.
 */
export async function getSession(ctx: ServiceContext, sessionId: string, scope?: TenantScope): Promise<ShownSession> {
  await reachableSession(ctx, sessionId, scope)
  const view = await findSession(ctx.store.db, sessionId)
  // Gone between the two reads (the retention clean-up): as if it never was.
  if (view === undefined) throw sessionNotFound(sessionId, scope)
  const record = await tenantSettingsRecord(ctx.store.db, view.tenant)
  return { ...view, timeZone: record === undefined ? DEFAULT_TIME_ZONE : parseTenantSettings(record.settingsJson, view.tenant).timeZone }
}

/**
 * Cancels a session that has not ended; `actor` (`cli:<user>`, `api:<key>`) is named in its stages.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (it has ended).
 */
export async function cancelSession(ctx: ServiceContext, sessionId: string, actor: string, scope?: TenantScope): Promise<ShownSession> {
  await reachableSession(ctx, sessionId, scope)
  await cancelInPipeline(ctx.store, ctx.queue(), ctx.config, sessionId, actor)
  return getSession(ctx, sessionId, scope)
}

/** The latest sessions, and the messages that cannot go out until someone changes a setting. */
export async function sessionOverview(ctx: ServiceContext): Promise<{ sessions: SessionListItem[]; unsent: MessageLine[] }> {
  const sessions = await listSessionRows(ctx.store.db)
  return { sessions, unsent: sessions.length === 0 ? [] : await listOutbox(ctx.store.db, { statuses: ['unaddressed', 'failed'], limit: 10 }) }
}

/**
 * One session in detail with its messages (e-mails, webhooks).
 * @throws SimoptError `SESSION_NOT_FOUND`.
 */
export async function sessionStatus(ctx: ServiceContext, sessionId: string): Promise<{ view: ShownSession; messages: MessageLine[] }> {
  const view = await getSession(ctx, sessionId)
  return { view, messages: await listOutbox(ctx.store.db, { sessionId, limit: 100 }) }
}

const POLL_MS = 250

/** Follows a session until it ends, telling `onProgress` each time it is looked at; returns how it ended. */
export async function waitForSession(ctx: ServiceContext, sessionId: string, onProgress: (view: SessionView) => void): Promise<SessionView> {
  for (;;) {
    const view = await findSession(ctx.store.db, sessionId)
    if (view === undefined) throw new Error(`session ${sessionId} disappeared`)
    onProgress(view)
    if ((FINISHED_STATUSES as readonly string[]).includes(view.status)) return view
    await sleep(POLL_MS)
  }
}

/**
 * Waits, up to `withinMs`, for what follows a finished session: its go / no-go decision and its e-mails and
 * webhooks. Returns how many messages still wait (a worker sends them later). Pushing changes is not
 * waited for: it can take hours.
 */
export async function settleSessionMessages(ctx: ServiceContext, sessionId: string, withinMs: number): Promise<number> {
  const { db } = ctx.store
  const decisions = (await instanceIdsOfSession(db, sessionId)).map((id) => job('decide-push', id).id)
  const pending = async () => (await listOutbox(db, { sessionId, statuses: ['pending'], limit: 1000 })).length
  const busy = async () => (await countUnfinishedJobs(db, decisions)) + (await pending())
  const deadline = Date.now() + withinMs
  let waiting = await busy()
  while (waiting > 0 && Date.now() < deadline) {
    await sleep(POLL_MS)
    waiting = await busy()
  }
  return pending()
}
