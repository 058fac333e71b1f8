/** An instance records the SIMs it could not price (no usage reading), so that every report can say so. */
import { type Kysely, type Migration } from 'kysely'

export function unpricedSims(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('instances').addColumn('unpriced_sims', 'integer').execute()
      await db.schema.alterTable('instances').addColumn('unpriced_note', 'text').execute()
    },
  }
}
