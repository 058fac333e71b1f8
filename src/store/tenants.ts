/** Tenants read and changed by name or id: listing, lookups, their settings (JSON, parsed by `notify/tenant-settings.ts`). */
import type { Db } from './database.js'

export interface Tenant {
  readonly id: string
  readonly name: string
  /** Epoch ms. */
  readonly createdAt: number
}

/** A tenant's settings as stored: their JSON (`TenantSettings`), and whether a webhook secret is set (it is never read back). */
export interface TenantSettingsRecord {
  readonly id: string
  readonly name: string
  readonly settingsJson: string
  readonly hasWebhookSecret: boolean
}

export async function findTenant(db: Db, name: string): Promise<Tenant | undefined> {
  const row = await db.selectFrom('tenants').select(['id', 'name', 'created_at']).where('name', '=', name).executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, name: row.name, createdAt: row.created_at }
}

export async function tenantById(db: Db, id: string): Promise<Tenant | undefined> {
  const row = await db.selectFrom('tenants').select(['id', 'name', 'created_at']).where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, name: row.name, createdAt: row.created_at }
}

/** Every tenant by name, or only the one with id `onlyId`. */
export async function listTenants(db: Db, onlyId?: string): Promise<Tenant[]> {
  let query = db.selectFrom('tenants').select(['id', 'name', 'created_at'])
  if (onlyId !== undefined) query = query.where('id', '=', onlyId)
  const rows = await query.orderBy('name').execute()
  return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at }))
}

export async function tenantSettingsRecord(db: Db, name: string): Promise<TenantSettingsRecord | undefined> {
  const row = await db.selectFrom('tenants').select(['id', 'name', 'settings', 'webhook_secret']).where('name', '=', name).executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, name: row.name, settingsJson: row.settings, hasWebhookSecret: row.webhook_secret !== null }
}

/** Stores the tenant's settings (already checked) and, when given, its sealed webhook secret. */
export async function saveTenantSettings(db: Db, id: string, settingsJson: string, sealedWebhookSecret?: string): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ settings: settingsJson, ...(sealedWebhookSecret === undefined ? {} : { webhook_secret: sealedWebhookSecret }) })
    .where('id', '=', id)
    .execute()
}

/** Gives the tenant these settings only if it has none of its own yet (`{}`); says whether it did. */
export async function initTenantSettings(db: Db, id: string, settingsJson: string): Promise<boolean> {
  const result = await db.updateTable('tenants').set({ settings: settingsJson }).where('id', '=', id).where('settings', '=', '{}').executeTakeFirst()
  return result.numUpdatedRows > 0n
}
