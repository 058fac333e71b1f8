/**
 * Optimizes one component (on a worker thread, so the worker keeps renewing its lease meanwhile) and
 * stores one result row per SIM with its cost before and after, and its figures per plan and pool for the
 * report. The component's `done`, its rows and the
 * instance's count of finished components are one transaction; the job that completes the count
 * queues the finalize stage, so nothing ever polls for the end.
 */
import { currentAssignment, planLines } from '../../domain/index.js'
import { optimize } from '../../optimizer/index.js'
import { insertRows } from '../../store/bulk-insert.js'
import { planTotalRows } from '../../store/plan-total-rows.js'
import { decodeSnapshot } from '../../store/problem-snapshot.js'
import { job, type Job } from '../job.js'
import { moveInstance, reportProgress } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { snapshotKey } from './build-problem.js'
import { sessionOfComponent } from './session-of.js'

export const optimizeComponent: Stage = {
  type: 'optimize-component',
  sessionOf: sessionOfComponent,
  async run(componentId, { store, config, commit, cache }) {
    const { db } = store
    const component = await db.selectFrom('components').select(['instance_id', 'status']).where('id', '=', componentId).executeTakeFirstOrThrow()
    if (component.status === 'done') return
    const instance = await db.selectFrom('instances').select(['session_id']).where('id', '=', component.instance_id).executeTakeFirstOrThrow()
    const snapshot =
      (await cache.get(snapshotKey(componentId))) ??
      (await db.selectFrom('components').select('snapshot').where('id', '=', componentId).executeTakeFirstOrThrow()).snapshot
    const { problem, rawUsageMb, minSavingPerChange } = decodeSnapshot(snapshot)
    const result = await optimize(problem, { workers: 1, minSavingPerChange })
    const { sims, plans, commPlans } = problem
    const { before, priced: after, assignment } = result
    let changes = 0
    for (let i = 0; i < sims.count; i++) if (assignment[i] !== sims.currentPlan[i]) changes++
    const lines = planLines(problem, { assignment: currentAssignment(problem), priced: before }, { assignment, priced: after })

    await commit(async (trx): Promise<Job[]> => {
      // Claims the component first: a second delivery running alongside (a worker thought dead) finds it
      // taken here and stores nothing.
      const claimed = await trx
        .updateTable('components')
        .set({
          status: 'done',
          cost_before: before.total,
          cost_after: after.total,
          lower_bound: result.lowerBound ?? null,
          baseline_cost: result.baselineCost,
          changes,
          seconds: result.seconds,
          finished_at: Date.now(),
          // Read by nothing once solved; tens of MB a session at 1M SIMs.
          snapshot: new Uint8Array(0),
        })
        .where('id', '=', componentId)
        .where('status', '<>', 'done')
        .returning('id')
        .executeTakeFirst()
      if (claimed === undefined) return []
      await insertRows(
        trx,
        store.dialect,
        'results',
        (function* () {
          for (let i = 0; i < sims.count; i++) {
            yield {
              instance_id: component.instance_id,
              iccid: sims.iccid[i]!,
              comm_plan: commPlans[sims.commPlan[i]!]!.name,
              current_plan: plans[sims.currentPlan[i]!]!.code,
              new_plan: plans[assignment[i]!]!.code,
              raw_usage_mb: rawUsageMb[i]!,
              usage_mb: sims.usageMb[i]!,
              monthly_before: before.monthly[i]!,
              overage_before: before.overage[i]!,
              sms_before: before.sms[i]!,
              monthly_after: after.monthly[i]!,
              overage_after: after.overage[i]!,
              sms_after: after.sms[i]!,
            }
          }
        })(),
      )
      await insertRows(trx, store.dialect, 'plan_totals', planTotalRows(componentId, component.instance_id, lines))
      const count = await trx
        .updateTable('instances')
        .set((eb) => ({ components_done: eb('components_done', '+', 1), updated_at: Date.now() }))
        .where('id', '=', component.instance_id)
        .returning(['components_done', 'component_count'])
        .executeTakeFirstOrThrow()
      if (count.components_done !== count.component_count) {
        // Every tenth of the components, the portal hears how far the optimization is.
        const tenth = (done: number) => Math.floor((10 * done) / count.component_count!)
        return tenth(count.components_done) > tenth(count.components_done - 1) ? reportProgress(trx, config, instance.session_id) : []
      }
      return [job('finalize-instance', component.instance_id), ...(await moveInstance(trx, config, component.instance_id, instance.session_id, 'finalizing'))]
    })
  },
}
