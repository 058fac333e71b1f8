/**
 * A finished session's rate plan changes, as the command line and the API both use them: listed with their
 * counts and the go / no-go decision, approved by an operator (all, or some ICCIDs), pushed on request, or
 * previewed (what a push would send and how long it would take). The decision is `jobs/change-push.ts`'s.
 */
import { decidePush, type PushDecision } from '../domain/index.js'
import { approveAndDecide, decideInstancePush, type InstancePush } from '../jobs/change-push.js'
import { recordJobs } from '../jobs/job-log.js'
import type { Job } from '../jobs/job.js'
import {
  changeCounts,
  changePage,
  countChanges,
  inTransaction,
  measuredPushRate,
  instancePushFacts,
  parseProviderSettings,
  type ChangeListLine,
  type ChangeStatus,
  type Db,
} from '../store/index.js'
import type { ServiceContext } from './context.js'
import { finishedInstance, type TenantScope } from './session-scope.js'

export interface ChangeListing {
  /** Changes by status; a status without changes is absent. */
  readonly counts: Partial<Record<ChangeStatus, number>>
  readonly pushDecision: string | null
  readonly pushReason: string | null
  readonly pushEstimatedSeconds: number | null
  readonly rows: ChangeListLine[]
  /** The last ICCID of a full page (pass it as `after` for the next), null on the last page. */
  readonly next: string | null
}

/**
 * The session's changes: counts by status, the push decision, and a page in ICCID order.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done).
 */
export async function listChanges(
  ctx: ServiceContext,
  sessionId: string,
  page: { status?: ChangeStatus | undefined; after?: string | undefined; limit: number },
  scope?: TenantScope,
): Promise<ChangeListing> {
  const instance = await finishedInstance(ctx, sessionId, 'its changes exist', scope)
  const rows = await changePage(ctx.store.db, instance.id, page)
  return {
    counts: await changeCounts(ctx.store.db, instance.id),
    pushDecision: instance.push_decision,
    pushReason: instance.push_reason,
    pushEstimatedSeconds: instance.push_estimated_seconds,
    rows,
    next: rows.length === page.limit ? rows.at(-1)!.iccid : null,
  }
}

/** What an approval or a push request decided. */
export interface PushAnswer {
  /** Changes approved by this request (0 for a push). */
  readonly approved: number
  readonly verdict: InstancePush['verdict']
  readonly reason: string
  readonly estimatedSeconds: number
}

/**
 * Approves the session's planned changes (all, or the ICCIDs given), then decides go / no-go for the
 * approved ones and queues their push on a go. `actor` is written to the audit log.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done, or nothing left to approve).
 */
export async function approveChanges(ctx: ServiceContext, sessionId: string, iccids: readonly string[] | undefined, actor: string, scope?: TenantScope): Promise<PushAnswer> {
  const instance = await finishedInstance(ctx, sessionId, 'its changes exist', scope)
  return decided(ctx, async (trx) => {
    const { approved, push } = await approveAndDecide(trx, ctx.config, instance.id, actor, iccids)
    return { approved: approved.length, push }
  })
}

/**
 * Pushes the session's approved changes now, if there is time before the period ends.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done).
 */
export async function pushChanges(ctx: ServiceContext, sessionId: string, actor: string, scope?: TenantScope): Promise<PushAnswer> {
  const instance = await finishedInstance(ctx, sessionId, 'its changes exist', scope)
  return decided(ctx, async (trx) => ({ approved: 0, push: await decideInstancePush(trx, ctx.config, instance.id, actor, true) }))
}

/** Records the decision's jobs in the transaction that made it, and publishes them once it commits. */
async function decided(ctx: ServiceContext, work: (trx: Db) => Promise<{ approved: number; push: InstancePush }>): Promise<PushAnswer> {
  let jobs: Job[] = []
  const outcome = await inTransaction(ctx.store, async (trx) => {
    const result = await work(trx)
    jobs = [...result.push.jobs]
    await recordJobs(trx, jobs)
    return result
  })
  await ctx.queue().publish(jobs)
  return { approved: outcome.approved, verdict: outcome.push.verdict, reason: outcome.push.decision.reason, estimatedSeconds: outcome.push.decision.estimatedSeconds }
}

/** What a push of the approved changes would do, sending nothing. */
export interface PushPreview {
  readonly provider: string
  /** Approved changes, all of them. */
  readonly count: number
  readonly decision: PushDecision
  /** The first `shown` of them, in ICCID order. */
  readonly changes: ChangeListLine[]
}

/**
 * A dry run of a push: the approved changes, the go / no-go it would get now, nothing recorded or sent.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done).
 */
export async function previewPush(ctx: ServiceContext, sessionId: string, shown: number): Promise<PushPreview> {
  const { db } = ctx.store
  const instance = await finishedInstance(ctx, sessionId, 'its changes exist')
  const facts = await instancePushFacts(db, instance.id)
  const count = await countChanges(db, instance.id, ['approved'])
  const decision = decidePush({
    changes: count,
    changesPerMinute: await measuredPushRate(db, facts.providerId),
    now: Date.now(),
    periodEndsAt: facts.periodEndsAt,
    writeEnabled: parseProviderSettings(facts.providerSettings, facts.provider).writeEnabled,
  })
  return { provider: facts.provider, count, decision, changes: await changePage(db, instance.id, { status: 'approved', limit: shown }) }
}
