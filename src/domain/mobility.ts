/**
 * Mobility fleets (phones, tablets, hotspots on business mobility plans) on the optimizer's one problem.
 * A tenant groups rate plans into optimization groups; the SIMs of a group pool their data across all its
 * plans, and a SIM may move only to a plan of its group of the same rate plan type as its current plan
 * (carrier_optimization.md §5.2). Both rules are what the optimizer already knows for M2M: the group is
 * a named pool, and each (group, type) is a set of allowed plans, standing where a communication plan stands.
 */
import { SimoptError } from './errors.js'
import { createProblem, type BillingTerms, type Problem } from './problem.js'
import type { CommPlan, PoolDefinition, RatePlan } from './rate-plan.js'
import type { SimTable } from './sim-table.js'

/** What a provider's fleet is: M2M (pools by plan, moves within communication plans) or Mobility. */
export const FLEET_KINDS = ['m2m', 'mobility'] as const
export type FleetKind = (typeof FLEET_KINDS)[number]

/** A named set of rate plans the tenant defines; its SIMs pool their usage and move among its plans. */
export interface OptimizationGroup {
  readonly name: string
  readonly planCodes: readonly string[]
}

/** A Mobility price sheet in the optimizer's terms. */
export interface MobilityPriceSheet {
  /** The plans, each plan of a group pooled in a pool named after its group. */
  readonly plans: readonly RatePlan[]
  /** One per (group, rate plan type), allowing the group's plans of that type; one per plan in no group. */
  readonly commPlans: readonly CommPlan[]
  /** The allowed-plan set (index into `commPlans`) of a SIM now on each plan. */
  readonly commPlanOfPlan: Int32Array
}

export type MobilityResolution =
  | { readonly ok: true; readonly sheet: MobilityPriceSheet }
  | { readonly ok: false; readonly planIndex: number; readonly field: 'optimization_group' | 'pool'; readonly message: string }

/** Name of the allowed-plan set of a group's plans of one type (shown where M2M shows a communication plan). */
export function mobilitySetName(group: string, type: string | undefined): string {
  return type === undefined ? group : `${group}: ${type}`
}

/**
 * Maps plans and optimization groups onto pools and allowed-plan sets. A plan belongs to at most one group
 * (a SIM's group is its current plan's); a plan in no group pools as its own terms say and keeps its SIMs.
 */
export function mobilityPriceSheet(plans: readonly RatePlan[], groups: readonly OptimizationGroup[]): MobilityResolution {
  const planIndexByCode = new Map(plans.map((plan, index) => [plan.code, index]))
  const groupOfPlan: (string | undefined)[] = plans.map(() => undefined)
  for (const group of groups) {
    for (const code of group.planCodes) {
      const planIndex = planIndexByCode.get(code)
      if (planIndex === undefined) continue // the reader of the groups names unknown plans with their position
      const earlier = groupOfPlan[planIndex]
      if (earlier !== undefined && earlier !== group.name) {
        return { ok: false, planIndex, field: 'optimization_group', message: `plan ${code} is in optimization groups ${earlier} and ${group.name}; a plan belongs to one group` }
      }
      groupOfPlan[planIndex] = group.name
    }
  }

  const sheetPlans: RatePlan[] = []
  const commPlans: { name: string; allowedPlans: number[] }[] = []
  const setIndex = new Map<string, number>()
  const commPlanOfPlan = new Int32Array(plans.length)
  for (const [planIndex, plan] of plans.entries()) {
    const group = groupOfPlan[planIndex]
    if (group === undefined) {
      if (plan.pool !== undefined) {
        return { ok: false, planIndex, field: 'pool', message: `plan ${plan.code} names pool ${plan.pool} but is in no optimization group; a Mobility fleet pools by optimization group` }
      }
      sheetPlans.push(plan)
      commPlanOfPlan[planIndex] = commPlans.length
      commPlans.push({ name: plan.code, allowedPlans: [planIndex] })
      continue
    }
    if (plan.pool !== undefined && plan.pool !== group) {
      return { ok: false, planIndex, field: 'pool', message: `plan ${plan.code} of optimization group ${group} names pool ${plan.pool}; a Mobility plan pools with its group, leave its pool empty` }
    }
    sheetPlans.push({ ...plan, pooled: true, pool: group })
    // JSON keeps group and type apart whatever characters they hold.
    const key = JSON.stringify([group, plan.type ?? null])
    let set = setIndex.get(key)
    if (set === undefined) {
      set = commPlans.length
      setIndex.set(key, set)
      commPlans.push({ name: mobilitySetName(group, plan.type), allowedPlans: [] })
    }
    commPlans[set]!.allowedPlans.push(planIndex)
    commPlanOfPlan[planIndex] = set
  }
  return { ok: true, sheet: { plans: sheetPlans, commPlans, commPlanOfPlan } }
}

export interface MobilityProblemInput {
  readonly plans: readonly RatePlan[]
  readonly groups: readonly OptimizationGroup[]
  /** Overage terms of a group's pool, by the group's name; without one the group's plans must agree. */
  readonly poolDefinitions?: readonly PoolDefinition[]
  /** The SIMs; their `commPlan` column is ignored (a SIM's allowed plans follow from its current plan). */
  readonly sims: SimTable
  readonly billing: BillingTerms
}

/**
 * The problem of a Mobility fleet: the same problem M2M fleets make, so the same optimizer, bound and gap
 * apply. Mobility is never prorated (carrier_optimization.md §4.3).
 * @throws SimoptError `PROBLEM_INVALID` when the groups cannot be mapped (see {@link mobilityPriceSheet}).
 */
export function createMobilityProblem(input: MobilityProblemInput): Problem {
  const resolution = mobilityPriceSheet(input.plans, input.groups)
  if (!resolution.ok) throw new SimoptError('PROBLEM_INVALID', resolution.message)
  const { plans, commPlans, commPlanOfPlan } = resolution.sheet
  const { sims } = input
  const problem = createProblem({
    plans,
    poolDefinitions: input.poolDefinitions,
    commPlans,
    sims: { ...sims, commPlan: Int32Array.from(sims.currentPlan, (plan) => commPlanOfPlan[plan] ?? -1) },
    billing: { ...input.billing, prorate: false },
  })
  return { ...problem, fleet: 'mobility' }
}

/**
 * The optimization groups of a Mobility problem, read back from its plans: a grouped plan pools under its
 * group's name, and no other plan of a Mobility price sheet names a pool ({@link mobilityPriceSheet}).
 */
export function mobilityGroups(problem: Pick<Problem, 'plans'>): OptimizationGroup[] {
  const groups = new Map<string, string[]>()
  for (const plan of problem.plans) {
    if (plan.pool === undefined) continue
    groups.set(plan.pool, [...(groups.get(plan.pool) ?? []), plan.code])
  }
  return [...groups].map(([name, planCodes]) => ({ name, planCodes }))
}
