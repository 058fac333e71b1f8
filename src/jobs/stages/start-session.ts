/**
 * First stage: opens the session's instance and moves it on: to the carrier sync (devices, then usage)
 * for a provider with a carrier API unless the session was started without sync, else straight to
 * building the problem from what is stored (an import). A customer session opens one instance per customer
 * and queues their optimizations (issue 20).
 */
import { randomUUID } from 'node:crypto'
import { customerSessionScope, customersToRun, instanceIdsOf, insertCustomerInstances, insertInstance, sessionStart, setInstanceStatus } from '../../store/index.js'
import { hasCarrierApi } from '../carrier-for.js'
import { job } from '../job.js'
import { SimoptError } from '../../domain/index.js'
import { moveInstance, moveSession } from '../session-progress.js'
import type { Stage } from '../stage.js'

export const startSession: Stage = {
  type: 'start-session',
  sessionOf: async (_db, sessionId) => sessionId,
  async run(sessionId, { config, commit }) {
    await commit(async (trx) => {
      const session = await sessionStart(trx, sessionId)
      // Run before (a delivery whose record was reset): the instance it opened goes on.
      if ((await instanceIdsOf(trx, sessionId)).length > 0) return []
      const scope = await customerSessionScope(trx, sessionId)
      if (scope.type === 'customer') {
        // One instance per customer, each its own job: the workers run them in parallel. No carrier sync.
        const instances = (await customersToRun(trx, scope)).map((customerId) => ({ id: randomUUID(), customerId }))
        if (instances.length === 0) throw new SimoptError('INPUT_INVALID', 'no customer of the tenant has a SIM (import them first: simopt customers import)')
        await insertCustomerInstances(trx, sessionId, scope, instances)
        for (const instance of instances) await setInstanceStatus(trx, instance.id, 'optimizing')
        return [...instances.map((instance) => job('optimize-customer', instance.id)), ...(await moveSession(trx, config, sessionId, 'optimizing'))]
      }
      const instanceId = randomUUID()
      await insertInstance(trx, { id: instanceId, sessionId, providerId: session.providerId, periodId: session.periodId })
      if (session.sync && hasCarrierApi(session.integration)) {
        return [job('sync-devices', instanceId, 'start'), ...(await moveInstance(trx, config, instanceId, sessionId, 'syncing'))]
      }
      return [job('build-problem', instanceId), ...(await moveInstance(trx, config, instanceId, sessionId, 'optimizing'))]
    })
  },
}
