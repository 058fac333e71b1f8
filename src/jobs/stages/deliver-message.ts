/**
 * Sends one outbox message: an e-mail through the mail transport, or a webhook signed with its tenant's
 * secret. A session's webhooks go out in the order they were written: one waits (retried) while an
 * earlier one is still pending. A failure is recorded on the message and retried with back-off
 * (`SIMOPT_DELIVERY_RETRIES`); when the retries are spent the message stays in the outbox as `failed`.
 *
 * The message is marked sent in the transaction that ends the job; a worker dying between the server's
 * acceptance and that commit sends it again (the same Message-ID: receivers can tell).
 */
import { SimoptError } from '../../domain/index.js'
import { emailList } from '../../config.js'
import { mailTransport } from '../../notify/mail-transport.js'
import { postWebhook } from '../../notify/webhook.js'
import { earlierPendingWebhook, findOutboxMessage, markOutboxFailed, markOutboxSent, recordOutboxFailure, type OutboxRow } from '../../store/outbox.js'
import { secretBox } from '../../store/secret-box.js'
import type { Config } from '../../config.js'
import type { Store } from '../../store/database.js'
import type { Stage } from '../stage.js'

export const deliverMessage: Stage = {
  type: 'deliver-message',
  sessionOf: async (db, messageId) => (await db.selectFrom('outbox').select('session_id').where('id', '=', messageId).executeTakeFirst())?.session_id ?? undefined,
  detached: {
    attempts: (config) => config.deliveryRetries + 1,
    firstRetryMs: (config) => config.deliveryRetryMs,
    failed: (trx, messageId, message) => markOutboxFailed(trx, messageId, message),
  },
  async run(messageId, { store, config, commit }) {
    const message = await findOutboxMessage(store.db, messageId)
    if (message === undefined || message.status !== 'pending') return
    try {
      if (message.channel === 'webhook') await sendWebhook(store, config, message)
      else await sendEmail(config, message)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      // Kept on the message so `simopt outbox` shows why it waits; the runner schedules the retry.
      await recordOutboxFailure(store.db, messageId, reason)
      throw error
    }
    await commit(async (trx) => {
      await markOutboxSent(trx, messageId)
      return []
    })
  },
}

async function sendEmail(config: Config, message: OutboxRow): Promise<void> {
  const transport = mailTransport(config)
  try {
    await transport.send(message.id, Buffer.from(message.body), config.mailFrom, emailList(message.recipient))
  } finally {
    transport.close()
  }
}

async function sendWebhook(store: Store, config: Config, message: OutboxRow): Promise<void> {
  const earlier = await earlierPendingWebhook(store.db, message)
  if (earlier !== undefined) throw new Error(`waiting for the session's webhook #${earlier.seq} to be delivered first`)
  const tenant = message.tenant_id === null ? undefined : await store.db.selectFrom('tenants').select(['name', 'webhook_secret']).where('id', '=', message.tenant_id).executeTakeFirst()
  const secret = tenant?.webhook_secret == null ? config.webhookSecret : secretBox(config).open(tenant.webhook_secret)
  if (secret === undefined) throw new SimoptError('SETTING_MISSING', `webhook of tenant ${tenant?.name ?? '?'} has no signing secret`)
  await postWebhook(message.recipient, message.body, secret)
}
