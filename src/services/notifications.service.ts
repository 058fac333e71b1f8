/**
 * The outbox as people use it: which e-mails and webhooks simopt wrote, whether each went out and why not,
 * and sending a failed or unaddressed one again once the cause is fixed. Writing messages is the stages'
 * (`jobs/queue-message.ts`), sending them the delivery job's (`jobs/stages/deliver-message.ts`).
 */
import { SimoptError } from '../domain/index.js'
import { job } from '../jobs/job.js'
import { recordJobs } from '../jobs/job-log.js'
import { EMAIL_KINDS, parseTenantSettings, recipientsOf, type EmailKind } from '../notify/tenant-settings.js'
import { findOutboxMessage, findTenantContacts, inTransaction, listOutbox, requeueOutboxMessage, type OutboxListItem, type OutboxRow, type OutboxStatus } from '../store/index.js'
import type { ServiceContext } from './context.js'

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'unaddressed'] as const satisfies readonly OutboxStatus[]

export interface MessageFilter {
  readonly sessionId?: string | undefined
  readonly statuses?: readonly OutboxStatus[] | undefined
  /** How many, newest first; 50 when not said. */
  readonly limit?: number | undefined
}

/** The latest messages without their bodies, newest first. */
export async function listMessages(ctx: ServiceContext, filter: MessageFilter = {}): Promise<OutboxListItem[]> {
  return listOutbox(ctx.store.db, {
    ...(filter.sessionId === undefined ? {} : { sessionId: filter.sessionId }),
    ...(filter.statuses === undefined ? {} : { statuses: filter.statuses }),
    ...(filter.limit === undefined ? {} : { limit: filter.limit }),
  })
}

/**
 * Queues a failed or unaddressed message for delivery again; an unaddressed e-mail goes to the recipients
 * its tenant's settings (or `SIMOPT_ERROR_EMAIL`) name now.
 * @throws SimoptError `MESSAGE_NOT_FOUND`; `STATE_CONFLICT` when the message is pending or sent (or changed
 * meanwhile); `SETTING_MISSING` when an unaddressed e-mail still has nobody to go to.
 */
export async function resendMessage(ctx: ServiceContext, id: string): Promise<{ readonly id: string }> {
  const { store } = ctx
  const message = await findOutboxMessage(store.db, id)
  if (message === undefined) throw new SimoptError('MESSAGE_NOT_FOUND', `message ${id} does not exist`)
  if (message.status !== 'failed' && message.status !== 'unaddressed') throw new SimoptError('STATE_CONFLICT', `message ${id} is ${message.status}; only failed or unaddressed messages are sent again`)
  const change = message.status === 'unaddressed' && message.channel === 'email' ? await readdress(ctx, message) : {}
  const deliver = job('deliver-message', id, `resend-${Date.now()}`)
  await inTransaction(store, async (trx) => {
    if (!(await requeueOutboxMessage(trx, id, change))) throw new SimoptError('STATE_CONFLICT', `message ${id} changed meanwhile; look again`)
    await recordJobs(trx, [deliver])
  })
  await ctx.queue().publish([deliver])
  return { id }
}

/** An unaddressed e-mail, addressed to whoever the tenant's settings name now. */
async function readdress(ctx: ServiceContext, message: OutboxRow): Promise<{ recipient: string; body: Uint8Array }> {
  const tenant = message.tenant_id === null ? undefined : await findTenantContacts(ctx.store.db, message.tenant_id)
  const kind = EMAIL_KINDS.find((known) => known === message.kind)
  const to = message.kind === 'cache-unreachable' ? ctx.config.errorEmail : tenant === undefined || kind === undefined ? [] : recipientsOf(parseTenantSettings(tenant.settings, tenant.name), kind satisfies EmailKind)
  if (to.length === 0) throw new SimoptError('SETTING_MISSING', `still no recipients for ${message.kind} e-mails${tenant === undefined ? '' : ` of tenant ${tenant.name}`}: set them first (simopt tenant set, or SIMOPT_ERROR_EMAIL)`)
  // The message was composed without a To header; headers may come in any order, so it goes first.
  return { recipient: to.join(', '), body: Buffer.concat([Buffer.from(`To: ${to.join(', ')}\r\n`), Buffer.from(message.body)]) }
}
