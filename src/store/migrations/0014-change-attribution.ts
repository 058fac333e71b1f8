/**
 * Each SIM's share of the saving, split into its own saving and its pool effect (domain/change-attribution.ts),
 * kept on its result row and copied onto its change. Results and changes of sessions optimized before keep the
 * saving they were listed with (cost before minus after) as their own, with no pool effect: they were not
 * attributed, and a report or a change planned from them later must still show that saving, not 0.
 */
import { sql, type Kysely, type Migration } from 'kysely'

export function changeAttribution(): Migration {
  return {
    // A migration meets the schema as it was then, not as `Database` types it today.
    async up(db: Kysely<any>): Promise<void> {
      for (const table of ['results', 'changes']) {
        for (const column of ['own_saving', 'pool_effect']) {
          await db.schema.alterTable(table).addColumn(column, 'double precision', (c) => c.notNull().defaultTo(0)).execute()
        }
      }
      await db.updateTable('changes').set((eb) => ({ own_saving: eb.ref('saving') })).execute()
      await db
        .updateTable('results')
        .set({ own_saving: sql`(monthly_before + overage_before + sms_before) - (monthly_after + overage_after + sms_after)` })
        .whereRef('new_plan', '<>', 'current_plan')
        .execute()
      await db.schema.createIndex('changes_by_saving').on('changes').columns(['instance_id', 'saving', 'iccid']).execute()
    },
  }
}
