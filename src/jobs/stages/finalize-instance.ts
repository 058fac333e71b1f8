/**
 * Adds up the components into the instance's result, lists its rate plan changes (the SIMs whose new plan
 * differs, each with its saving, `planned`) and hands it to the report stage, which ends it.
 */
import { analyzeResults, instanceState, planChanges, recordInstanceTotals } from '../../store/index.js'
import { job } from '../job.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

export const finalizeInstance: Stage = {
  type: 'finalize-instance',
  sessionOf: sessionOfInstance,
  async run(instanceId, { store, commit }) {
    await commit(async (trx) => {
      if ((await instanceState(trx, instanceId)).status === 'done') return []
      await analyzeResults(trx, store.dialect)
      await planChanges(trx, instanceId)
      await recordInstanceTotals(trx, instanceId)
      return [job('report-instance', instanceId)]
    })
  },
}
