/**
 * When simopt stored each usage reading, beside when the carrier measured it: a carrier that rates usage in
 * arrears (ThingSpace, about two days) gives a reading measured before the sync that read it began, so "read by
 * this sync" cannot be told from `measured_at`. Readings stored before stay as they were read: at their measure.
 */
import { type Kysely, type Migration } from 'kysely'

export function usageReadAt(): Migration {
  return {
    // A migration meets the schema as it was then, not as `Database` types it today.
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('usage_readings').addColumn('read_at', 'double precision').execute()
      await db.updateTable('usage_readings').set((eb) => ({ read_at: eb.ref('measured_at') })).execute()
    },
  }
}
