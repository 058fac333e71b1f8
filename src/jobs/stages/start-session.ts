/**
 * First stage: opens the session's instance and moves it on. The carrier sync stages (devices, then
 * usage) belong between this and `build-problem`; until they exist, the problem is built from what is
 * stored (an import, for now).
 */
import { randomUUID } from 'node:crypto'
import { setInstanceStatus, setSessionStatus } from '../../store/transitions.js'
import { job } from '../job.js'
import type { Stage } from '../stage.js'

export const startSession: Stage = {
  type: 'start-session',
  sessionOf: async (_db, sessionId) => sessionId,
  async run(sessionId, { commit }) {
    await commit(async (trx) => {
      const session = await trx.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow()
      // Run before (a delivery whose record was reset): the instance it opened goes on.
      const opened = await trx.selectFrom('instances').select('id').where('session_id', '=', sessionId).executeTakeFirst()
      if (opened !== undefined) return [job('build-problem', opened.id)]
      const now = Date.now()
      const instanceId = randomUUID()
      await trx
        .insertInto('instances')
        .values({
          id: instanceId,
          session_id: sessionId,
          provider_id: session.provider_id,
          period_id: session.period_id,
          status: 'pending',
          message: null,
          sims: null,
          component_count: null,
          components_done: 0,
          cost_before: null,
          cost_after: null,
          lower_bound: null,
          baseline_cost: null,
          changes: null,
          created_at: now,
          updated_at: now,
          finished_at: null,
        })
        .execute()
      await setInstanceStatus(trx, instanceId, 'optimizing')
      await setSessionStatus(trx, sessionId, 'optimizing')
      return [job('build-problem', instanceId)]
    })
  },
}
