/**
 * API keys: made with a role for one tenant (or, with no tenant, for the whole service), shown once, kept
 * as a SHA-256 hash; a request's key is found by its hash; listed for administrators without it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Selectable } from 'kysely'
import type { Db } from './database.js'
import type { ApiKeyTable } from './schema.js'

export const API_ROLES = ['viewer', 'operator', 'admin'] as const
export type ApiRole = (typeof API_ROLES)[number]
export type ApiKeyRow = Selectable<ApiKeyTable>

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** Makes a key; returns it with its record. The key is not stored and cannot be shown again. */
export async function createApiKey(db: Db, options: { tenantId: string | null; name: string; role: ApiRole }): Promise<{ key: string; row: ApiKeyRow }> {
  // A prefix says what the string is when it turns up in a log or a config file.
  const key = `sk_${randomBytes(24).toString('base64url')}`
  const row: ApiKeyRow = {
    id: randomUUID(),
    tenant_id: options.tenantId,
    name: options.name,
    role: options.role,
    key_hash: hashApiKey(key),
    created_at: Date.now(),
    last_used_at: null,
    revoked_at: null,
  }
  await db.insertInto('api_keys').values(row).execute()
  return { key, row }
}

/** The live key with this value, if any. */
export async function findApiKey(db: Db, key: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashApiKey(key)).where('revoked_at', 'is', null).executeTakeFirst()
}

export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  const row = await db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('id', '=', id).where('revoked_at', 'is', null).returning('id').executeTakeFirst()
  return row !== undefined
}

/** A key as administrators see it: never the key or its hash. Times in epoch ms. */
export interface ApiKeyListing {
  readonly id: string
  readonly name: string
  readonly role: ApiRole
  /** The tenant's name; null for a service-wide key. */
  readonly tenant: string | null
  readonly createdAt: number
  readonly lastUsedAt: number | null
  readonly revokedAt: number | null
}

/** `tenantId` undefined: every key; null: the service-wide keys; else that tenant's. Oldest first. */
export async function listApiKeys(db: Db, tenantId: string | null | undefined): Promise<ApiKeyListing[]> {
  let query = db
    .selectFrom('api_keys')
    .leftJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .select(['api_keys.id', 'api_keys.name', 'api_keys.role', 'tenants.name as tenant', 'api_keys.created_at', 'api_keys.last_used_at', 'api_keys.revoked_at'])
  if (tenantId === null) query = query.where('api_keys.tenant_id', 'is', null)
  else if (tenantId !== undefined) query = query.where('api_keys.tenant_id', '=', tenantId)
  const rows = await query.orderBy('api_keys.created_at').execute()
  return rows.map((row) => ({ id: row.id, name: row.name, role: row.role, tenant: row.tenant, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at }))
}

/** The key with this id, live or revoked. */
export async function findApiKeyById(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function markApiKeyUsed(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute()
}
