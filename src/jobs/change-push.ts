/**
 * Deciding whether an instance's changes go to the carrier now: the one go / no-go (DESIGN.md §4) used by
 * the pipeline after a session, and by an operator's approval or push. The decision, its figures and its
 * reason are stored on the instance, written to the audit log, and e-mailed.
 */
import { decidePush, type PushDecision } from '../domain/index.js'
import type { Config } from '../config.js'
import { parseTenantSettings } from '../notify/tenant-settings.js'
import { audit } from '../store/audit.js'
import { approveChanges, countChanges, measuredPushRate } from '../store/changes.js'
import { SimoptError } from '../domain/index.js'
import type { Db } from '../store/database.js'
import { parseProviderSettings } from '../store/provider-settings.js'
import { job, type Job } from './job.js'
import { queueEmail } from './notices.js'
import { sessionFacts } from './session-progress.js'

export interface InstancePush {
  readonly decision: PushDecision
  /** `go`, `no-go`, or `awaiting-approval` (a go that waits for an operator). */
  readonly verdict: 'go' | 'no-go' | 'awaiting-approval'
  readonly jobs: readonly Job[]
}

/**
 * Decides for the changes that would be pushed (approved ones; planned ones too unless approval is
 * required and `approvedOnly`), records the decision and queues the push on a go.
 */
export async function decideInstancePush(db: Db, config: Config, instanceId: string, actor: string, approvedOnly: boolean): Promise<InstancePush> {
  const instance = await db
    .selectFrom('instances')
    .innerJoin('service_providers', 'service_providers.id', 'instances.provider_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'instances.period_id')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .select(['instances.session_id', 'instances.provider_id', 'service_providers.name as provider', 'service_providers.settings', 'billing_periods.ends_at', 'tenants.name as tenant', 'tenants.settings as tenantSettings'])
    .where('instances.id', '=', instanceId)
    .executeTakeFirstOrThrow()
  const { writeEnabled } = parseProviderSettings(instance.settings, instance.provider)
  const { requireApproval } = parseTenantSettings(instance.tenantSettings, instance.tenant)
  const changes = await countChanges(db, instanceId, approvedOnly ? ['approved'] : ['planned', 'approved'])
  const decision = decidePush({ changes, changesPerMinute: await measuredPushRate(db, instance.provider_id), now: Date.now(), periodEndsAt: instance.ends_at, writeEnabled })
  const verdict = !decision.go ? 'no-go' : requireApproval && !approvedOnly ? 'awaiting-approval' : 'go'
  const reason = verdict === 'awaiting-approval' ? `${decision.reason}; waiting for an operator's approval (simopt changes approve)` : decision.reason
  await db
    .updateTable('instances')
    .set({ push_decision: verdict, push_reason: reason, push_estimated_seconds: decision.estimatedSeconds, push_decided_at: Date.now() })
    .where('id', '=', instanceId)
    .execute()
  await audit(db, { actor, action: `decide: ${verdict}`, sessionId: instance.session_id, instanceId, detail: reason })
  const jobs: Job[] = []
  if (changes > 0) {
    const facts = await sessionFacts(db, instance.session_id)
    jobs.push(
      ...(await queueEmail(db, config, { tenantId: facts.tenantId, sessionId: instance.session_id }, {
        kind: 'go-no-go',
        ...facts,
        sessionId: instance.session_id,
        go: verdict === 'go',
        changes,
        estimatedMinutes: decision.estimatedSeconds / 60,
        periodEndsAt: instance.ends_at,
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
 * @throws SimoptError `INPUT_INVALID` when nothing was left to approve.
 */
export async function approveAndDecide(db: Db, config: Config, instanceId: string, actor: string, iccids?: readonly string[]): Promise<{ approved: readonly string[]; push: InstancePush }> {
  const instance = await db.selectFrom('instances').select('session_id').where('id', '=', instanceId).executeTakeFirstOrThrow()
  const approved = await approveChanges(db, instanceId, actor, iccids)
  if (approved.length === 0) throw new SimoptError('STATE_CONFLICT', `session ${instance.session_id} has no planned changes${iccids === undefined ? '' : ' with those ICCIDs'} to approve`)
  await audit(db, ...approved.map((iccid) => ({ actor, action: 'approve', sessionId: instance.session_id, instanceId, iccid, detail: 'approved' })))
  return { approved, push: await decideInstancePush(db, config, instanceId, actor, true) }
}
