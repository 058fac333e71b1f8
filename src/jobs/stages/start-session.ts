/**
 * First stage: opens the session's instance and moves it on: to the carrier sync (devices, then usage)
 * for a provider with a carrier API unless the session was started without sync, else straight to
 * building the problem from what is stored (an import).
 */
import { randomUUID } from 'node:crypto'
import { instanceIdsOf, insertInstance, sessionStart } from '../../store/index.js'
import { hasCarrierApi } from '../carrier-for.js'
import { job } from '../job.js'
import { moveInstance } from '../session-progress.js'
import type { Stage } from '../stage.js'

export const startSession: Stage = {
  type: 'start-session',
  sessionOf: async (_db, sessionId) => sessionId,
  async run(sessionId, { config, commit }) {
    await commit(async (trx) => {
      const session = await sessionStart(trx, sessionId)
      // Run before (a delivery whose record was reset): the instance it opened goes on.
      if ((await instanceIdsOf(trx, sessionId)).length > 0) return []
      const instanceId = randomUUID()
      await insertInstance(trx, { id: instanceId, sessionId, providerId: session.providerId, periodId: session.periodId })
      if (session.sync && hasCarrierApi(session.integration)) {
        return [job('sync-devices', instanceId, 'start'), ...(await moveInstance(trx, config, instanceId, sessionId, 'syncing'))]
      }
      return [job('build-problem', instanceId), ...(await moveInstance(trx, config, instanceId, sessionId, 'optimizing'))]
    })
  },
}
