/**
 * First stage: opens the session's instance and moves it on: to the carrier sync (devices, then usage)
 * for a provider with a carrier API unless the session was started without sync, else straight to
 * building the problem from what is stored (an import).
 */
import { randomUUID } from 'node:crypto'
import { job } from '../job.js'
import { moveInstance } from '../session-progress.js'
import type { Stage } from '../stage.js'

export const startSession: Stage = {
  type: 'start-session',
  sessionOf: async (_db, sessionId) => sessionId,
  async run(sessionId, { config, commit }) {
    await commit(async (trx) => {
      const session = await trx.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow()
      // Run before (a delivery whose record was reset): the instance it opened goes on.
      const opened = await trx.selectFrom('instances').select('id').where('session_id', '=', sessionId).executeTakeFirst()
      if (opened !== undefined) return []
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
      const provider = await trx.selectFrom('service_providers').select('integration').where('id', '=', session.provider_id).executeTakeFirstOrThrow()
      if (session.sync === 1 && provider.integration === 'jasper') {
        return [job('sync-devices', instanceId, 'start'), ...(await moveInstance(trx, config, instanceId, sessionId, 'syncing'))]
      }
      return [job('build-problem', instanceId), ...(await moveInstance(trx, config, instanceId, sessionId, 'optimizing'))]
    })
  },
}
