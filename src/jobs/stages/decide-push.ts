/**
 * After the report: go / no-go for the instance's changes. Without required approval a go approves every
 * planned change (by `system`) and starts the push; with it, the changes wait for an operator.
 */
import { approveChanges, audit, instanceState } from '../../store/index.js'
import { decideInstancePush } from '../change-push.js'
import { MAX_ATTEMPTS } from '../job-runner.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

export const decidePushStage: Stage = {
  type: 'decide-push',
  sessionOf: sessionOfInstance,
  detached: {
    attempts: () => MAX_ATTEMPTS,
    firstRetryMs: () => 1000,
    failed: async (trx, instanceId, message) => audit(trx, { actor: 'system', action: 'decide: failed', instanceId, detail: message }),
  },
  async run(instanceId, { store, config, commit }) {
    const instance = await instanceState(store.db, instanceId)
    if (instance.pushDecidedAt !== null) return
    await commit(async (trx) => {
      const push = await decideInstancePush(trx, config, instanceId, 'system', false)
      if (push.verdict === 'go') {
        const approved = await approveChanges(trx, instanceId, 'system')
        await audit(trx, { actor: 'system', action: 'approve', sessionId: instance.sessionId, instanceId, detail: `${approved.length} changes approved (no approval required)` })
      }
      return [...push.jobs]
    })
  },
}
