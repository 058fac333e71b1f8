/** API keys of the HTTP API: per tenant, with a role, stored as a hash only. */
import { type Kysely, type Migration } from 'kysely'

export function apiKeys(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // null: an administrator of the whole service (every tenant); else the one tenant the key sees.
        .addColumn('tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        // `viewer`, `operator` or `admin`.
        .addColumn('role', 'text', (c) => c.notNull())
        // SHA-256 of the key, hex: the key itself is shown once, when made, and never stored.
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'double precision', (c) => c.notNull())
        .addColumn('last_used_at', 'double precision')
        .addColumn('revoked_at', 'double precision')
        .execute()
    },
  }
}
