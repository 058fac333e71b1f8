/** What a tenant's row says about reaching its people and its portal: its settings (JSON) and its sealed webhook secret. */
import type { Db } from './database.js'

export interface TenantContacts {
  readonly id: string
  readonly name: string
  /** JSON of `TenantSettings`, parsed where it is used (`notify/tenant-settings.ts`), so a bad one is reported there. */
  readonly settings: string
  /** Sealed by the secret box (`secret-box.ts`); null when the tenant set none. */
  readonly sealedWebhookSecret: string | null
}

export async function findTenantContacts(db: Db, tenantId: string): Promise<TenantContacts | undefined> {
  const row = await db.selectFrom('tenants').select(['id', 'name', 'settings', 'webhook_secret']).where('id', '=', tenantId).executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, name: row.name, settings: row.settings, sealedWebhookSecret: row.webhook_secret }
}
