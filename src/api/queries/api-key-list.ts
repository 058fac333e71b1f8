/** API keys as administrators list them: never the key or its hash. (The store has make, find and revoke only.) */
import type { Db } from '../../store/database.js'

export interface ApiKeyListing {
  readonly id: string
  readonly name: string
  readonly role: string
  readonly tenant: string | null
  readonly createdAt: number
  readonly lastUsedAt: number | null
  readonly revokedAt: number | null
}

/** `tenantId` undefined: every key; null: the service-wide keys; else that tenant's. */
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
