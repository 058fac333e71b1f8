/** The schedule's record: per provider and scheduled day, the session it started, or why it skipped the day so far. */
import { type Kysely, type Migration } from 'kysely'

export function scheduleRuns(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('schedule_runs')
        .addColumn('provider_id', 'text', (c) => c.notNull().references('service_providers.id').onDelete('cascade'))
        // The local date (provider's billing time zone) of the day's run, `YYYY-MM-DD`.
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        // `started` or `skipped` (tried again at the next tick, until the day ends).
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('session_id', 'text')
        .addColumn('skips', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('schedule_runs_pk', ['provider_id', 'day'])
        .execute()
      await db.schema.createIndex('schedule_runs_updated').on('schedule_runs').column('updated_at').execute()
    },
  }
}
