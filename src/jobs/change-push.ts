/**
 * Deciding whether an instance's changes go to the carrier now: the one go / no-go (DESIGN.md §4) used by
 * the pipeline after a session, and by an operator's approval or push. The decision, its figures and its
 * reason are stored on the instance, written to the audit log, and e-mailed.
 */
import type { Config } from '../config.js'
import { decidePush, SimoptError, type PushDecision } from '../domain/index.js'
import { parseTenantSettings } from '../notify/tenant-settings.js'
import {
  approveChanges,
  audit,
  countChanges,
  instancePushFacts,
  measuredPushRate,
  parseProviderSettings,
  recordPushDecision,
  sessionFacts,
  sessionOfInstance,
  sessionStart,
  type Db,
  type PushVerdict,
} from '../store/index.js'
import { carrierTraits } from './carrier-for.js'
import { job, type Job } from './job.js'
import { queueEmail } from './queue-message.js'

export interface InstancePush {
  readonly decision: PushDecision
  /** `go`, `no-go`, or `awaiting-approval` (a go that waits for an operator). */
  readonly verdict: PushVerdict
  readonly jobs: readonly Job[]
}

/**
 * Decides for the changes that would be pushed (approved ones; planned ones too unless approval is
 * required and `approvedOnly`), records the decision and queues the push on a go.
 */
export async function decideInstancePush(db: Db, config: Config, instanceId: string, actor: string, approvedOnly: boolean): Promise<InstancePush> {
  const instance = await instancePushFacts(db, instanceId)
  const { writeEnabled } = parseProviderSettings(instance.providerSettings, instance.provider)
  const { requireApproval } = parseTenantSettings(instance.tenantSettings, instance.tenant)
  const changes = await countChanges(db, instanceId, approvedOnly ? ['approved'] : ['planned', 'approved'])
  // A carrier that makes changes later (ThingSpace) must have made the last one before the period ends: its
  // round trip counts as if the push started that much later.
  const latencyMs = carrierTraits((await sessionStart(db, instance.sessionId)).integration)?.changeLatencyMs ?? 0
  const decision = decidePush({ changes, changesPerMinute: await measuredPushRate(db, instance.providerId), now: Date.now() + latencyMs, periodEndsAt: instance.periodEndsAt, writeEnabled })
  const verdict: PushVerdict = !decision.go ? 'no-go' : requireApproval && !approvedOnly ? 'awaiting-approval' : 'go'
  const reason = verdict === 'awaiting-approval' ? `${decision.reason}; waiting for an operator's approval (simopt changes approve)` : decision.reason
  await recordPushDecision(db, instanceId, { verdict, reason, estimatedSeconds: decision.estimatedSeconds })
  await audit(db, { actor, action: `decide: ${verdict}`, sessionId: instance.sessionId, instanceId, detail: reason })
  const jobs: Job[] = []
  if (changes > 0) {
    const facts = await sessionFacts(db, instance.sessionId)
    jobs.push(
      ...(await queueEmail(db, config, { tenantId: facts.tenantId, sessionId: instance.sessionId }, {
        kind: 'go-no-go',
        ...facts,
        sessionId: instance.sessionId,
        go: verdict === 'go',
        changes,
        estimatedMinutes: decision.estimatedSeconds / 60,
        periodEndsAt: instance.periodEndsAt,
        reason,
      })),
    )
  }
  if (verdict === 'go') jobs.push(job('push-changes', instanceId, `${Date.now().toString(36)}`))
  return { decision, verdict, jobs }
}

/**
 * An operator approves planned changes (all, or the ICCIDs given), each approval in the audit log; then
 * go / no-go for the approved ones, and on a go their push is queued. The jobs returned are recorded by
 * the caller's transaction and published after it.
 * @throws SimoptError `STATE_CONFLICT` when nothing was left to approve.
 */
export async function approveAndDecide(db: Db, config: Config, instanceId: string, actor: string, iccids?: readonly string[]): Promise<{ approved: readonly string[]; push: InstancePush }> {
  const sessionId = await sessionOfInstance(db, instanceId)
  if (sessionId === undefined) throw new Error(`instance ${instanceId} does not exist`)
  const approved = await approveChanges(db, instanceId, actor, iccids)
  if (approved.length === 0) throw new SimoptError('STATE_CONFLICT', `session ${sessionId} has no planned changes${iccids === undefined ? '' : ' with those ICCIDs'} to approve`)
  await audit(db, ...approved.map((iccid) => ({ actor, action: 'approve', sessionId, instanceId, iccid, detail: 'approved' })))
  return { approved, push: await decideInstancePush(db, config, instanceId, actor, true) }
}
