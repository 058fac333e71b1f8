/**
 * What each rate plan and each pool adds up to under an assignment: the figures of a report's plan table
 * and its cost-by-plan chart. Derived from the cost model's own pricing, so a plan table always adds up
 * to the bill.
 */
import { allowanceMb, prorationFactor, type PricedAssignment } from './cost-model.js'
import type { Problem } from './problem.js'

export interface PlanTotal {
  readonly sims: number
  readonly usageMb: number
  readonly allowanceMb: number
  readonly monthly: number
  /** Unpooled overage, or the plan's SIMs' shares of their pool's charge. */
  readonly overage: number
  readonly sms: number
}

export const EMPTY_PLAN_TOTAL: PlanTotal = { sims: 0, usageMb: 0, allowanceMb: 0, monthly: 0, overage: 0, sms: 0 }

/** One total per plan of `problem.plans`, in its order; pools' own figures are `priced.pools`. */
export function planTotals(problem: Problem, assignment: Int32Array, priced: PricedAssignment): PlanTotal[] {
  const planCount = problem.plans.length
  const sims = new Float64Array(planCount)
  const usage = new Float64Array(planCount)
  const allowance = new Float64Array(planCount)
  const monthly = new Float64Array(planCount)
  const overage = new Float64Array(planCount)
  const sms = new Float64Array(planCount)
  const { count, usageMb, daysActive } = problem.sims
  for (let i = 0; i < count; i++) {
    const p = assignment[i]!
    sims[p]! += 1
    usage[p]! += usageMb[i]!
    allowance[p]! += allowanceMb(problem.plans[p]!, prorationFactor(daysActive[i]!, problem.billing))
    monthly[p]! += priced.monthly[i]!
    overage[p]! += priced.overage[i]!
    sms[p]! += priced.sms[i]!
  }
  return problem.plans.map((_, p) => ({
    sims: sims[p]!,
    usageMb: usage[p]!,
    allowanceMb: allowance[p]!,
    monthly: monthly[p]!,
    overage: overage[p]!,
    sms: sms[p]!,
  }))
}

export function addPlanTotals(a: PlanTotal, b: PlanTotal): PlanTotal {
  return {
    sims: a.sims + b.sims,
    usageMb: a.usageMb + b.usageMb,
    allowanceMb: a.allowanceMb + b.allowanceMb,
    monthly: a.monthly + b.monthly,
    overage: a.overage + b.overage,
    sms: a.sms + b.sms,
  }
}

export function planTotalCost(total: PlanTotal): number {
  return total.monthly + total.overage + total.sms
}

/** A plan's or a pool's figures before and after: a line of a report's plan table. */
export interface PlanLine {
  readonly kind: 'plan' | 'pool'
  /** Plan code or pool name. */
  readonly name: string
  /** For a plan: the pool it shares, if any. */
  readonly pool: string | null
  readonly before: PlanTotal
  readonly after: PlanTotal
}

/**
 * The plan table of an optimization: every plan with SIMs before or after, then every pool with SIMs,
 * whose line sums its plans' monthly and SMS charges and carries the pool's own overage charge (the
 * plans' overage shares add up to it).
 */
export function planLines(
  problem: Problem,
  before: { readonly assignment: Int32Array; readonly priced: PricedAssignment },
  after: { readonly assignment: Int32Array; readonly priced: PricedAssignment },
): PlanLine[] {
  const plansBefore = planTotals(problem, before.assignment, before.priced)
  const plansAfter = planTotals(problem, after.assignment, after.priced)
  const lines: PlanLine[] = []
  for (const [p, plan] of problem.plans.entries()) {
    if (plansBefore[p]!.sims === 0 && plansAfter[p]!.sims === 0) continue
    const pool = problem.poolOfPlan[p]!
    lines.push({ kind: 'plan', name: plan.code, pool: pool < 0 ? null : problem.pools[pool]!.name, before: plansBefore[p]!, after: plansAfter[p]! })
  }
  for (const [k, pool] of problem.pools.entries()) {
    const side = (plans: readonly PlanTotal[], priced: PricedAssignment): PlanTotal => {
      const sum = pool.plans.reduce((total, p) => addPlanTotals(total, plans[p]!), EMPTY_PLAN_TOTAL)
      return { ...sum, overage: priced.pools[k]!.charge }
    }
    const lineBefore = side(plansBefore, before.priced)
    const lineAfter = side(plansAfter, after.priced)
    if (lineBefore.sims === 0 && lineAfter.sims === 0) continue
    lines.push({ kind: 'pool', name: pool.name, pool: null, before: lineBefore, after: lineAfter })
  }
  return lines
}
