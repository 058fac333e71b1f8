/**
 * A finished session's rate plan changes, as the command line and the API both use them: listed with their
 * counts and the go / no-go decision, approved by an operator (all, or some ICCIDs), pushed on request, or
 * previewed (what a push would send and how long it would take). The decision is `jobs/change-push.ts`'s.
 */
import { decidePush, SimoptError, type PushDecision } from '../domain/index.js'
import { approveAndDecide, decideInstancePush, type InstancePush } from '../jobs/change-push.js'
import { recordJobs } from '../jobs/job-log.js'
import type { Job } from '../jobs/job.js'
import {
  changeCounts,
  changeIccids,
  changePage,
  changeSelection,
  changeSelectionOf,
  countChanges,
  inTransaction,
  measuredPushRate,
  instancePushFacts,
  parseProviderSettings,
  type ChangeCursor,
  type ChangeFilter,
  type ChangeListLine,
  type ChangeOrder,
  type ChangeSelection,
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
  /** ISO 4217 code of the amounts (the provider's `currency`). */
  readonly currency: string
  /** What the changes the filter selects add up to, on every page. */
  readonly selection: ChangeSelection
  readonly rows: ChangeListLine[]
  /** Where a full page ended (pass it as `after` for the next), null on the last page. */
  readonly next: string | null
}

/** Which changes a list shows, in what order, and which page. */
export interface ChangeQuery extends ChangeFilter {
  readonly order?: ChangeOrder | undefined
  /** The `next` of the previous page. */
  readonly after?: string | undefined
  readonly limit: number
}

/**
 * The session's changes: counts by status, the push decision, the totals of those the filter selects, and
 * a page of them in the order asked (ICCID by default).
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done), `INPUT_INVALID` (`after` not a `next` of this order).
 */
export async function listChanges(ctx: ServiceContext, sessionId: string, query: ChangeQuery, scope?: TenantScope): Promise<ChangeListing> {
  const instance = await finishedInstance(ctx, sessionId, 'its changes exist', scope)
  const { order = 'iccid', after, limit, ...filter } = query
  const rows = await changePage(ctx.store.db, instance.id, filter, { order, after: after === undefined ? undefined : parseCursor(after, order), limit })
  const last = rows.at(-1)
  return {
    counts: await changeCounts(ctx.store.db, instance.id),
    pushDecision: instance.push_decision,
    pushReason: instance.push_reason,
    pushEstimatedSeconds: instance.push_estimated_seconds,
    currency: await currencyOf(ctx.store.db, instance.id),
    selection: await changeSelection(ctx.store.db, instance.id, filter),
    rows,
    next: rows.length === limit && last !== undefined ? cursorText(last, order) : null,
  }
}

/** The currency of the instance's amounts: its provider's. */
async function currencyOf(db: Db, instanceId: string): Promise<string> {
  const facts = await instancePushFacts(db, instanceId)
  return parseProviderSettings(facts.providerSettings, facts.provider).currency
}

/** By ICCID a page ends at an ICCID; by saving at a saving and an ICCID, `SAVING:ICCID` (the saving unrounded). */
function cursorText(line: ChangeListLine, order: ChangeOrder): string {
  return order === 'iccid' ? line.iccid : `${line.saving}:${line.iccid}`
}

function parseCursor(text: string, order: ChangeOrder): ChangeCursor {
  const field = 'after'
  if (order === 'iccid') {
    if (!/^[0-9A-Za-z]{1,32}$/.test(text)) throw new SimoptError('INPUT_INVALID', `after must be the ICCID a page ended at (the list's next), not ${JSON.stringify(text)}`, { field })
    return { iccid: text }
  }
  const match = /^(-?[0-9.e+-]+):([0-9A-Za-z]{1,32})$/.exec(text)
  const saving = match === null ? Number.NaN : Number(match[1])
  if (match === null || !Number.isFinite(saving)) throw new SimoptError('INPUT_INVALID', `after must be the next of a list in ${order} order (SAVING:ICCID), not ${JSON.stringify(text)}`, { field })
  return { iccid: match[2]!, saving }
}

/** What an approval or a push request decided. */
export interface PushAnswer {
  /** Changes approved by this request (0 for a push). */
  readonly approved: number
  /** What the changes approved by this request add up to (none for a push). */
  readonly approvedSelection: ChangeSelection
  /** ISO 4217 code of the amounts. */
  readonly currency: string
  readonly verdict: InstancePush['verdict']
  readonly reason: string
  readonly estimatedSeconds: number
}

/** Which planned changes an approval takes: the ICCIDs given, or those a filter selects, or (neither) all of them. */
export type ApprovalSelection = { readonly iccids: readonly string[] } | { readonly filter: Omit<ChangeFilter, 'status'> } | 'all'

/**
 * Approves the session's planned changes (all, the ICCIDs given, or those the filter selects), then decides
 * go / no-go for the approved ones and queues their push on a go. `actor` is written to the audit log.
 * The answer says what the approved changes add up to.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done, or nothing left to approve).
 */
export async function approveChanges(ctx: ServiceContext, sessionId: string, selection: ApprovalSelection, actor: string, scope?: TenantScope): Promise<PushAnswer> {
  const instance = await finishedInstance(ctx, sessionId, 'its changes exist', scope)
  return decided(ctx, instance.id, async (trx) => {
    let iccids = selection === 'all' ? undefined : 'iccids' in selection ? selection.iccids : undefined
    if (selection !== 'all' && 'filter' in selection) {
      iccids = await changeIccids(trx, instance.id, { ...selection.filter, status: 'planned' })
      if (iccids.length === 0) throw new SimoptError('STATE_CONFLICT', `session ${sessionId} has no planned changes that match the filter`)
    }
    const { approved, push } = await approveAndDecide(trx, ctx.config, instance.id, actor, iccids)
    return { approvedSelection: await changeSelectionOf(trx, instance.id, approved), push }
  })
}

/**
 * Pushes the session's approved changes now, if there is time before the period ends.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done).
 */
export async function pushChanges(ctx: ServiceContext, sessionId: string, actor: string, scope?: TenantScope): Promise<PushAnswer> {
  const instance = await finishedInstance(ctx, sessionId, 'its changes exist', scope)
  return decided(ctx, instance.id, async (trx) => ({ approvedSelection: NOTHING_SELECTED, push: await decideInstancePush(trx, ctx.config, instance.id, actor, true) }))
}

/** Records the decision's jobs in the transaction that made it, and publishes them once it commits. */
const NOTHING_SELECTED: ChangeSelection = { changes: 0, saving: 0, ownSaving: 0, poolEffect: 0 }

async function decided(ctx: ServiceContext, instanceId: string, work: (trx: Db) => Promise<{ approvedSelection: ChangeSelection; push: InstancePush }>): Promise<PushAnswer> {
  let jobs: Job[] = []
  const outcome = await inTransaction(ctx.store, async (trx) => {
    const result = await work(trx)
    jobs = [...result.push.jobs]
    await recordJobs(trx, jobs)
    return result
  })
  await ctx.queue().publish(jobs)
  return {
    approved: outcome.approvedSelection.changes,
    approvedSelection: outcome.approvedSelection,
    currency: await currencyOf(ctx.store.db, instanceId),
    verdict: outcome.push.verdict,
    reason: outcome.push.decision.reason,
    estimatedSeconds: outcome.push.decision.estimatedSeconds,
  }
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
  return { provider: facts.provider, count, decision, changes: await changePage(db, instance.id, { status: 'approved' }, { order: 'iccid', limit: shown }) }
}
