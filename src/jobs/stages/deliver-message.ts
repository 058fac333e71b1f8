/**
 * Delivers one outbox message: an e-mail through the mail transport, or a webhook signed with its tenant's
 * secret (the sending itself is `notify/`'s). A session's webhooks go out in the order they were written: one
 * waits (retried) while an earlier one is still pending. A failure is recorded on the message and retried with
 * back-off (`SIMOPT_DELIVERY_RETRIES`); when the retries are spent the message stays in the outbox as `failed`.
 *
 * The message is marked sent in the transaction that ends the job; a worker dying between the server's
 * acceptance and that commit sends it again (the same Message-ID: receivers can tell).
 */
import { sendEmail } from '../../notify/email.js'
import { sendWebhook } from '../../notify/webhook.js'
import { earlierPendingWebhook, findOutboxMessage, findTenantContacts, markOutboxFailed, markOutboxSent, recordOutboxFailure, sessionOfMessage, type Db, type OutboxRow } from '../../store/index.js'
import type { Config } from '../../config.js'
import { countDelivery } from '../process-counters.js'
import type { Stage } from '../stage.js'

export const deliverMessage: Stage = {
  type: 'deliver-message',
  sessionOf: sessionOfMessage,
  detached: {
    attempts: (config) => config.deliveryRetries + 1,
    firstRetryMs: (config) => config.deliveryRetryMs,
    failed: (trx, messageId, message) => markOutboxFailed(trx, messageId, message),
  },
  async run(messageId, { store, config, commit }) {
    const message = await findOutboxMessage(store.db, messageId)
    if (message === undefined || message.status !== 'pending') return
    try {
      if (message.channel === 'webhook') await deliverWebhook(store.db, config, message)
      else await sendEmail(config, message)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      // Kept on the message so `simopt outbox` shows why it waits; the runner schedules the retry.
      await recordOutboxFailure(store.db, messageId, reason)
      countDelivery(message.channel, 'failed')
      throw error
    }
    await commit(async (trx) => {
      await markOutboxSent(trx, messageId)
      return []
    })
    countDelivery(message.channel, 'sent')
  },
}

async function deliverWebhook(db: Db, config: Config, message: OutboxRow): Promise<void> {
  const earlier = await earlierPendingWebhook(db, message)
  if (earlier !== undefined) throw new Error(`waiting for the session's webhook #${earlier.seq} to be delivered first`)
  const tenant = message.tenant_id === null ? undefined : await findTenantContacts(db, message.tenant_id)
  await sendWebhook(config, message, tenant)
}
