/**
 * The schedule records runs per slot, not per day: a tenant with continuous runs on the last day has one
 * slot an hour that day (`YYYY-MM-DD HH:MM±HH:MM`); every other run's slot is still its local date.
 */
import { type Kysely, type Migration } from 'kysely'

export function scheduleSlots(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('schedule_runs').renameColumn('day', 'slot').execute()
    },
  }
}
