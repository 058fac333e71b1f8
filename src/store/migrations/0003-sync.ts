/** Carrier sync: where each instance's sync stands (resumable page by page), and how far each provider is synced. */
import { type Kysely, type Migration } from 'kysely'

export function syncState(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      // 0: the session optimizes what is stored (`run --no-sync`); 1: it syncs from the carrier first.
      await db.schema.alterTable('sessions').addColumn('sync', 'integer', (c) => c.notNull().defaultTo(1)).execute()
      // The end of the last complete device sync: the next one asks for changes since then.
      await db.schema.alterTable('service_providers').addColumn('devices_synced_till', 'double precision').execute()
      await db.schema
        .createTable('syncs')
        .addColumn('instance_id', 'text', (c) => c.primaryKey().references('instances.id').onDelete('cascade'))
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('window_since', 'double precision', (c) => c.notNull())
        .addColumn('window_till', 'double precision', (c) => c.notNull())
        .addColumn('last_page', 'integer')
        .addColumn('next_page', 'integer')
        .addColumn('usage_cursor', 'text')
        .addColumn('devices_seen', 'integer', (c) => c.notNull())
        .addColumn('devices_added', 'integer', (c) => c.notNull())
        .addColumn('devices_updated', 'integer', (c) => c.notNull())
        .addColumn('comm_plans_added', 'integer', (c) => c.notNull())
        .addColumn('usage_rows', 'integer', (c) => c.notNull())
        .addColumn('calls', 'integer', (c) => c.notNull())
        .addColumn('errors', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'double precision', (c) => c.notNull())
        .addColumn('finished_at', 'double precision')
        .execute()
    },
  }
}
