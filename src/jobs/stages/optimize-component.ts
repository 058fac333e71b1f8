/**
 * Optimizes one component (on a worker thread, so the worker keeps renewing its lease meanwhile) and
 * stores one result row per SIM with its cost before and after, its change's saving (own and pool effect), its figures per plan and pool for the
 * report, and how the optimizer ran (its result info). The component's `done`, its rows and the
 * instance's count of finished components are one transaction; the job that completes the count
 * queues the finalize stage, so nothing ever polls for the end.
 */
import { attributeChanges, currentAssignment, planLines } from '../../domain/index.js'
import { optimize } from '../../optimizer/index.js'
import { componentSnapshot, componentToSolve, decodeSnapshot, storeSolvedComponent } from '../../store/index.js'
import { job, type Job } from '../job.js'
import { countOptimizerRun } from '../process-counters.js'
import { moveInstance, reportProgress } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { snapshotKey } from './build-problem.js'
import { sessionOfComponent } from './session-of.js'

export const optimizeComponent: Stage = {
  type: 'optimize-component',
  sessionOf: sessionOfComponent,
  async run(componentId, { store, config, commit, cache }) {
    const component = await componentToSolve(store.db, componentId)
    if (component.done) return
    const snapshot = (await cache.get(snapshotKey(componentId))) ?? (await componentSnapshot(store.db, componentId))
    const { problem, rawUsageMb, minSavingPerChange } = decodeSnapshot(snapshot)
    const result = await optimize(problem, { workers: 1, minSavingPerChange })
    const { sims } = problem
    const { before, priced: after, assignment } = result
    let changes = 0
    for (let i = 0; i < sims.count; i++) if (assignment[i] !== sims.currentPlan[i]) changes++
    const unchanged = { assignment: currentAssignment(problem), priced: before }
    const lines = planLines(problem, unchanged, { assignment, priced: after })
    const attribution = attributeChanges(problem, unchanged, { assignment, priced: after })

    let stored = false
    await commit(async (trx): Promise<Job[]> => {
      const count = await storeSolvedComponent(trx, store.dialect, {
        componentId,
        instanceId: component.instanceId,
        problem,
        rawUsageMb,
        assignment,
        before,
        after,
        attribution,
        lines,
        lowerBound: result.lowerBound ?? null,
        baselineCost: result.baselineCost,
        changes,
        seconds: result.seconds,
        optimizer: result.info,
      })
      // Another delivery of the job stored it first.
      if (count === undefined) return []
      stored = true
      if (count.componentsDone !== count.componentCount) {
        // Every tenth of the components, the portal hears how far the optimization is.
        const tenth = (done: number) => Math.floor((10 * done) / count.componentCount!)
        return tenth(count.componentsDone) > tenth(count.componentsDone - 1) ? reportProgress(trx, config, component.sessionId) : []
      }
      return [job('finalize-instance', component.instanceId), ...(await moveInstance(trx, config, component.instanceId, component.sessionId, 'finalizing'))]
    })
    // Counted once committed: a transaction rolled back (and the job retried) counts the run once, when it lands.
    if (stored) countOptimizerRun(result.info.status)
  },
}
