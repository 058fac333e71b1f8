/**
 * Adds up the components into the instance's result, lists its rate plan changes (the SIMs whose new plan
 * differs, each with its saving, `planned`) and hands it to the report stage, which ends it.
 */
import { sql } from 'kysely'
import { planChanges } from '../../store/changes.js'
import { job } from '../job.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

export const finalizeInstance: Stage = {
  type: 'finalize-instance',
  sessionOf: sessionOfInstance,
  async run(instanceId, { store, commit }) {
    await commit(async (trx) => {
      const instance = await trx.selectFrom('instances').select(['session_id', 'status']).where('id', '=', instanceId).executeTakeFirstOrThrow()
      if (instance.status === 'done') return []
      const totals = await trx
        .selectFrom('components')
        .select((eb) => [
          eb.fn.sum<number>('cost_after').as('cost_after'),
          eb.fn.sum<number>('lower_bound').as('lower_bound'),
          eb.fn.sum<number>('baseline_cost').as('baseline_cost'),
          eb.fn.sum<number>('changes').as('changes'),
        ])
        .where('instance_id', '=', instanceId)
        .executeTakeFirstOrThrow()
      const now = Date.now()
      // PostgreSQL plans with the statistics it has: a million results just inserted would be read back
      // (by the export) by scanning and sorting the table, page after page.
      if (store.dialect === 'postgres') await sql`analyze results`.execute(trx)
      await planChanges(trx, instanceId)
      await trx
        .updateTable('instances')
        .set({
          cost_after: Number(totals.cost_after),
          lower_bound: totals.lower_bound === null ? null : Number(totals.lower_bound),
          baseline_cost: Number(totals.baseline_cost),
          changes: Number(totals.changes),
          updated_at: now,
        })
        .where('id', '=', instanceId)
        .execute()
      return [job('report-instance', instanceId)]
    })
  },
}
