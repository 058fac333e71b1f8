/**
 * Adds up the components into the instance's result, lists its changes (`planned`) and ends the session
 * when its last instance is done. Report and notify stages (workbook, e-mail, webhook) and the go / no-go
 * for pushing changes follow here in their own issues; until then the session ends `done` with this.
 */
import { sql } from 'kysely'
import { setInstanceStatus, setSessionStatus } from '../../store/transitions.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

export const finalizeInstance: Stage = {
  type: 'finalize-instance',
  sessionOf: sessionOfInstance,
  async run(instanceId, { commit }) {
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
      await trx
        .insertInto('changes')
        .columns(['instance_id', 'iccid', 'old_plan', 'new_plan', 'saving', 'status', 'updated_at'])
        .expression((eb) =>
          eb
            .selectFrom('results')
            .select([
              'instance_id',
              'iccid',
              'current_plan',
              'new_plan',
              sql<number>`cost_before - cost_after`.as('saving'),
              sql.lit('planned').as('status'),
              sql.lit(now).as('updated_at'),
            ])
            .where('instance_id', '=', instanceId)
            .whereRef('new_plan', '<>', 'current_plan'),
        )
        .onConflict((conflict) => conflict.columns(['instance_id', 'iccid']).doNothing())
        .execute()
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
      await setInstanceStatus(trx, instanceId, 'done')
      const open = await trx.selectFrom('instances').select('id').where('session_id', '=', instance.session_id).where('status', '<>', 'done').executeTakeFirst()
      if (open === undefined) await setSessionStatus(trx, instance.session_id, 'done')
      return []
    })
  },
}
