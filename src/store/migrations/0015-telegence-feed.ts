/**
 * Telegence's usage report files (issue 21): every file simopt downloaded from a provider's SFTP folder, so
 * that none is downloaded twice and missed ones can be told apart, with what became of it; and per provider
 * the newest file a stale-feed warning was sent for, so that one stale spell sends one e-mail.
 * (0015 is another branch's.)
 */
import { type Kysely, type Migration } from 'kysely'

export function telegenceFeed(): Migration {
  return {
    // A migration meets the schema as it was then, not as `Database` types it today.
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('usage_feed_files')
        .addColumn('provider_id', 'text', (c) => c.notNull().references('service_providers.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('as_of', 'double precision', (c) => c.notNull())
        .addColumn('size', 'double precision', (c) => c.notNull())
        .addColumn('downloaded_at', 'double precision', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('lines', 'integer', (c) => c.notNull())
        .addColumn('loaded', 'integer', (c) => c.notNull())
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('usage_feed_files_pk', ['provider_id', 'name'])
        .execute()
      await db.schema
        .createTable('usage_feed_warnings')
        .addColumn('provider_id', 'text', (c) => c.primaryKey().references('service_providers.id').onDelete('cascade'))
        .addColumn('newest_as_of', 'double precision', (c) => c.notNull())
        .addColumn('warned_at', 'double precision', (c) => c.notNull())
        .execute()
    },
  }
}
