/**
 * API keys: made with a role for one tenant (or, with no tenant, for the whole service), shown once, kept
 * as a SHA-256 hash; a request's key is found by its hash.
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
