/** The optimize stage's rows: the component to solve, and its answer stored in one go (claim, SIM results, plan lines, count). */
import type { ChangeAttribution, PlanLine, PricedAssignment, Problem } from '../domain/index.js'
import type { OptimizerInfo } from '../optimizer/index.js'
import { insertRows } from './bulk-insert.js'
import type { Db, Dialect } from './database.js'
import { optimizerInfoColumns } from './optimizer-runs.js'
import { planTotalRows } from './plan-total-rows.js'

export interface ComponentToSolve {
  readonly instanceId: string
  readonly sessionId: string
  /** Solved already (a job delivered twice): nothing to do. */
  readonly done: boolean
}

/** @throws kysely's NoResultError when the component or its instance does not exist. */
export async function componentToSolve(db: Db, componentId: string): Promise<ComponentToSolve> {
  const row = await db
    .selectFrom('components')
    .innerJoin('instances', 'instances.id', 'components.instance_id')
    .select(['components.instance_id', 'components.status', 'instances.session_id'])
    .where('components.id', '=', componentId)
    .executeTakeFirstOrThrow()
  return { instanceId: row.instance_id, sessionId: row.session_id, done: row.status === 'done' }
}

/** The component's problem as stored when it was built (`problem-snapshot.ts`); empty once solved. */
export async function componentSnapshot(db: Db, componentId: string): Promise<Uint8Array> {
  return (await db.selectFrom('components').select('snapshot').where('id', '=', componentId).executeTakeFirstOrThrow()).snapshot
}

export interface SolvedComponent {
  readonly componentId: string
  readonly instanceId: string
  readonly problem: Problem
  /** Usage as the carrier reported it, per SIM of the problem. */
  readonly rawUsageMb: Float64Array
  readonly assignment: Int32Array
  readonly before: PricedAssignment
  readonly after: PricedAssignment
  /** Each changed SIM's own saving and pool effect. */
  readonly attribution: ChangeAttribution
  /** Figures per plan and pool, for the report. */
  readonly lines: readonly PlanLine[]
  readonly lowerBound: number | null
  readonly baselineCost: number
  readonly changes: number
  readonly seconds: number
  readonly optimizer: OptimizerInfo
}

export interface InstanceCount {
  readonly componentsDone: number
  readonly componentCount: number | null
}

/**
 * Stores a solved component, in the caller's transaction: claims it first, so a second delivery running
 * alongside (a worker thought dead) finds it taken and stores nothing (undefined); then one result row per
 * SIM, the plan lines, and one more finished component on the instance, whose counts it returns.
 */
export async function storeSolvedComponent(trx: Db, dialect: Dialect, solved: SolvedComponent): Promise<InstanceCount | undefined> {
  const { componentId, instanceId, before, after } = solved
  const claimed = await trx
    .updateTable('components')
    .set({
      status: 'done',
      cost_before: before.total,
      cost_after: after.total,
      lower_bound: solved.lowerBound,
      baseline_cost: solved.baselineCost,
      changes: solved.changes,
      seconds: solved.seconds,
      finished_at: Date.now(),
      ...optimizerInfoColumns(solved.optimizer),
      // Read by nothing once solved; tens of MB a session at 1M SIMs.
      snapshot: new Uint8Array(0),
    })
    .where('id', '=', componentId)
    .where('status', '<>', 'done')
    .returning('id')
    .executeTakeFirst()
  if (claimed === undefined) return undefined
  await insertRows(trx, dialect, 'results', resultRows(solved))
  await insertRows(trx, dialect, 'plan_totals', planTotalRows(componentId, instanceId, solved.lines))
  const count = await trx
    .updateTable('instances')
    .set((eb) => ({ components_done: eb('components_done', '+', 1), updated_at: Date.now() }))
    .where('id', '=', instanceId)
    .returning(['components_done', 'component_count'])
    .executeTakeFirstOrThrow()
  return { componentsDone: count.components_done, componentCount: count.component_count }
}

/** One `results` row per SIM: its plans, its cost split before and after, and its change's attributed saving. */
function* resultRows({ instanceId, problem, rawUsageMb, assignment, before, after, attribution }: SolvedComponent) {
  const { sims, plans, commPlans } = problem
  for (let i = 0; i < sims.count; i++) {
    yield {
      instance_id: instanceId,
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
      own_saving: attribution.ownSaving[i]!,
      pool_effect: attribution.poolEffect[i]!,
    }
  }
}
