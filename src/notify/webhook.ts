/**
 * The tenant's webhook: a JSON body POSTed with its HMAC-SHA256 in `X-Simopt-Signature: sha256=<hex>`, so
 * the portal can tell it came from simopt and was not changed on the way.
 */
import { createHmac } from 'node:crypto'
import type { Config } from '../config.js'
import { SimoptError } from '../domain/index.js'
import { secretBox, type TenantContacts } from '../store/index.js'

export const SIGNATURE_HEADER = 'x-simopt-signature'
const TIMEOUT_MS = 10_000

export function signBody(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** @throws Error with the status or the network error when the receiver does not answer 2xx. */
export async function postWebhook(url: string, body: Uint8Array, secret: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, body) },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  // Drained so the connection is reused rather than left hanging.
  await response.arrayBuffer().catch(() => undefined)
  if (!response.ok) throw new Error(`webhook ${url} answered ${response.status} ${response.statusText}`)
}

/**
 * Posts an outbox webhook signed with its tenant's own secret, else `SIMOPT_WEBHOOK_SECRET`.
 * @throws SimoptError `SETTING_MISSING` when there is neither; Error when the receiver does not answer 2xx.
 */
export async function sendWebhook(
  config: Pick<Config, 'webhookSecret' | 'secretKey' | 'secretKeyFile'>,
  message: { readonly recipient: string; readonly body: Uint8Array },
  tenant: Pick<TenantContacts, 'name' | 'sealedWebhookSecret'> | undefined,
): Promise<void> {
  const secret = tenant?.sealedWebhookSecret == null ? config.webhookSecret : secretBox(config).open(tenant.sealedWebhookSecret)
  if (secret === undefined) throw new SimoptError('SETTING_MISSING', `webhook of tenant ${tenant?.name ?? '?'} has no signing secret`)
  await postWebhook(message.recipient, message.body, secret)
}
