/**
 * What each rate plan change saves, split so that the changes' savings add up to the whole saving
 * (docs/decisions.md, "Each change's saving: its own and its pool effect").
 *
 * A change's **own saving** is what its SIM's own lines cost less on the new plan: monthly, SMS and, on a plan
 * that does not pool, its overage. Its **pool effect** is its share of what the pools it leaves and joins
 * charge less: a pool's change in charge is spread over the changes in proportion to how much each reduced
 * the pool's excess (usage above allowance; a SIM leaving takes its excess out, one joining brings its
 * excess in, allowance being negative excess). A SIM that adds 26 MB of allowance to a pool in overage
 * can thus cost 6.09 more on its own and save more than that through the pool. SIMs that keep their plan
 * change no pool's excess, so the pool effects of a pool add up to its change in charge, and
 * own savings plus pool effects add up to `before.total - after.total`.
 *
 * Money in the account's currency, unrounded; a pool's effects are whole {@link MONEY_QUANTUM} units that
 * add up to its change in charge exactly, as the cost model's pool shares do.
 */
import { MB_TOLERANCE, MONEY_QUANTUM, allowanceMb, monthlyCharge, prorationFactor, smsCharge, unpooledOverageCharge, type PricedAssignment } from './cost-model.js'
import type { Problem } from './problem.js'

export interface ChangeAttribution {
  /** Per SIM of the problem; 0 for a SIM that keeps its plan. */
  readonly ownSaving: Float64Array
  /** Per SIM of the problem; 0 for a SIM that keeps its plan. */
  readonly poolEffect: Float64Array
}

/**
 * Attributes the saving of `after` over `before` (both priced by `priceAssignment` on `problem`) to the SIMs
 * whose plan differs.
 */
export function attributeChanges(problem: Problem, before: { readonly assignment: Int32Array; readonly priced: PricedAssignment }, after: { readonly assignment: Int32Array; readonly priced: PricedAssignment }): ChangeAttribution {
  const { plans, pools, poolOfPlan, billing } = problem
  const { count, usageMb, daysActive } = problem.sims
  const ownSaving = new Float64Array(count)
  const poolEffect = new Float64Array(count)
  // Per change and pool touched, how much the change reduced the pool's excess, MB.
  const reduction: { sim: number; pool: number; mb: number }[] = []
  const poolReduction = new Float64Array(pools.length)

  for (let i = 0; i < count; i++) {
    const from = before.assignment[i]!
    const to = after.assignment[i]!
    if (from === to) continue
    const factor = prorationFactor(daysActive[i]!, billing)
    ownSaving[i] = ownCost(problem, from, i, factor) - ownCost(problem, to, i, factor)
    const fromPool = poolOfPlan[from]!
    const toPool = poolOfPlan[to]!
    const excessOn = (plan: number) => usageMb[i]! - allowanceMb(plans[plan]!, factor)
    if (fromPool >= 0 && fromPool === toPool) {
      reduction.push({ sim: i, pool: fromPool, mb: excessOn(from) - excessOn(to) })
      poolReduction[fromPool]! += excessOn(from) - excessOn(to)
      continue
    }
    if (fromPool >= 0) {
      reduction.push({ sim: i, pool: fromPool, mb: excessOn(from) })
      poolReduction[fromPool]! += excessOn(from)
    }
    if (toPool >= 0) {
      reduction.push({ sim: i, pool: toPool, mb: -excessOn(to) })
      poolReduction[toPool]! -= excessOn(to)
    }
  }
  spreadPoolSavings(before.priced, after.priced, reduction, poolReduction, poolEffect)
  return { ownSaving, poolEffect }
}

/** A SIM's own lines on `plan`: monthly, SMS, and the overage of a plan that does not pool. */
function ownCost(problem: Problem, plan: number, sim: number, factor: number): number {
  const ratePlan = problem.plans[plan]!
  const own = monthlyCharge(ratePlan, factor) + smsCharge(ratePlan, problem.sims.sms[sim]!)
  return problem.poolOfPlan[plan]! < 0 ? own + unpooledOverageCharge(ratePlan, problem.sims.usageMb[sim]!, factor) : own
}

/**
 * Spreads each pool's saving (its charge before minus after) over the changes that touched it, in
 * proportion to their reductions; rounding the running total (not each share) keeps the sum exact in
 * quanta. A pool whose charge moved while its excess did not (only float noise at a block boundary) is
 * spread evenly over the changes that touched it.
 */
function spreadPoolSavings(
  before: PricedAssignment,
  after: PricedAssignment,
  reduction: readonly { sim: number; pool: number; mb: number }[],
  poolReduction: Float64Array,
  poolEffect: Float64Array,
): void {
  const savingQuanta = before.pools.map((bill, k) => Math.round((bill.charge - after.pools[k]!.charge) / MONEY_QUANTUM))
  const touches = new Float64Array(poolReduction.length)
  for (const { pool } of reduction) touches[pool]! += 1
  const even = poolReduction.map((mb) => (Math.abs(mb) <= MB_TOLERANCE ? 1 : 0))
  const cumulative = new Float64Array(poolReduction.length)
  const attributed = new Float64Array(poolReduction.length)
  const seen = new Float64Array(poolReduction.length)
  for (const { sim, pool, mb } of reduction) {
    const total = savingQuanta[pool]!
    if (total === 0) continue
    seen[pool]! += 1
    cumulative[pool]! += even[pool] === 1 ? 1 : mb
    const whole = even[pool] === 1 ? touches[pool]! : poolReduction[pool]!
    const running = seen[pool] === touches[pool] ? total : Math.round((total * cumulative[pool]!) / whole)
    poolEffect[sim]! += (running - attributed[pool]!) * MONEY_QUANTUM
    attributed[pool] = running
  }
}
