/**
 * Queues a message: composes it (`notify/`), writes it in the outbox in the transaction of the work it reports,
 * and returns the job that delivers it (`stages/deliver-message.ts`): the one way stages (and session starts)
 * tell people and portals what happened.
 */
import { randomUUID } from 'node:crypto'
import type { Config } from '../config.js'
import { DEFAULT_TIME_ZONE, SimoptError } from '../domain/index.js'
import { composeEmail } from '../notify/email.js'
import { renderNotice, type Notice } from '../notify/render-notice.js'
import { parseTenantSettings, recipientsOf, type TenantSettings } from '../notify/tenant-settings.js'
import { findTenantContacts, insertOutboxMessage, type Db } from '../store/index.js'
import { job, type Job } from './job.js'

export interface Addressing {
  readonly tenantId: string | null
  readonly sessionId: string | null
}

/** Writes `notice` as an e-mail to whoever the tenant's settings name for its kind. */
export async function queueEmail(db: Db, config: Config, to: Addressing, notice: Notice): Promise<Job[]> {
  const id = randomUUID()
  const { settings, tenant, problem } = await tenantSettings(db, to.tenantId)
  const recipients = notice.kind === 'cache-unreachable' ? config.errorEmail : settings === undefined ? [] : recipientsOf(settings, notice.kind)
  const rendered = renderNotice(notice, settings?.email[notice.kind]?.subject, { timeZone: settings?.timeZone ?? DEFAULT_TIME_ZONE, publicUrl: config.publicUrl })
  const from = settings?.emailFrom ?? config.mailFrom
  const body = await composeEmail({ id, from, to: recipients, subject: rendered.subject, text: rendered.text, html: rendered.html, attachments: rendered.attachments })
  const unaddressed =
    recipients.length > 0
      ? undefined
      : (problem ??
        (notice.kind === 'cache-unreachable'
          ? 'no recipient for alerts about simopt itself: set SIMOPT_ERROR_EMAIL (or ErrorNotificationEmailReceiver)'
          : `no recipients for ${notice.kind} e-mails of tenant ${tenant}: simopt tenant set --tenant ${tenant} --email-to ADDRESS (or --email ${notice.kind}=ADDRESS)`))
  await insertOutboxMessage(db, { id, ...to, channel: 'email', kind: notice.kind, recipient: recipients.join(', '), subject: rendered.subject, body, unaddressed })
  return unaddressed === undefined ? [job('deliver-message', id)] : []
}

/** A session's progress or error as the tenant's webhook receives it. */
export interface SessionEvent {
  readonly event: 'progress' | 'error'
  readonly sessionId: string
  readonly tenant: string
  readonly provider: string
  readonly period: string
  readonly status: string
  readonly percent: number
  readonly message: string | null
  readonly at: number
}

/** Writes the event for the tenant's webhook, when it has one (its own, else `SIMOPT_WEBHOOK_URL`). */
export async function queueWebhook(db: Db, config: Config, tenantId: string, event: SessionEvent): Promise<Job[]> {
  const { settings, tenant, problem, hasSecret } = await tenantSettings(db, tenantId)
  const url = settings?.webhookUrl ?? config.webhookUrl
  if (url === undefined && problem === undefined) return []
  const unaddressed =
    problem ?? (hasSecret || config.webhookSecret !== undefined ? undefined : `webhook of tenant ${tenant} has no signing secret: simopt tenant set --tenant ${tenant} --webhook-secret SECRET (or SIMOPT_WEBHOOK_SECRET)`)
  const id = randomUUID()
  // The sequence number goes in the body too, so a receiver can put events in order whatever the network does.
  const body = (sequence: number) => Buffer.from(JSON.stringify({ id, sequence, ...event, at: new Date(event.at).toISOString() }))
  await insertOutboxMessage(db, { id, tenantId, sessionId: event.sessionId, channel: 'webhook', kind: event.event, recipient: url ?? '', subject: null, body, unaddressed })
  return unaddressed === undefined ? [job('deliver-message', id)] : []
}

/** The tenant's settings; settings that do not parse make every message unaddressed with the reason, never a crash. */
async function tenantSettings(db: Db, tenantId: string | null): Promise<{ settings?: TenantSettings; tenant: string; problem?: string; hasSecret: boolean }> {
  if (tenantId === null) return { tenant: '', hasSecret: false }
  const row = await findTenantContacts(db, tenantId)
  if (row === undefined) throw new SimoptError('TENANT_NOT_FOUND', `tenant ${tenantId} does not exist`)
  const hasSecret = row.sealedWebhookSecret !== null
  try {
    return { settings: parseTenantSettings(row.settings, row.name), tenant: row.name, hasSecret }
  } catch (error) {
    if (error instanceof SimoptError) return { tenant: row.name, problem: error.message, hasSecret }
    throw error
  }
}
