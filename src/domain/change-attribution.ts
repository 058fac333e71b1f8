/**
 * What each rate plan change saves, split so that the changes' savings add up to the whole saving
 * (docs/decisions.md, "Each change's saving: its own and its pool effect").
 *
 * A change's **own saving** is what its SIM's own lines cost less on the new plan: monthly, voice and SMS and,
 * on a plan that does not pool, its overage. Its **pool effect** is its share of what the pools it leaves and joins
 * charge less: a pool's change in charge is spread over the changes that moved the pool's excess (usage above
 * allowance; a SIM leaving takes its excess out, one joining brings its excess in, allowance being negative
 * excess) the way the charge went, in proportion to how far each moved it. A SIM that adds 26 MB of allowance
 * to a pool whose overage fell can thus cost 6.09 more on its own and save more than that through the pool,
 * while one that spends allowance the other changes freed is neither credited nor charged for it. SIMs that
 * keep their plan change no pool's excess, so the pool effects of a pool add up to its change in charge, and
 * own savings plus pool effects add up to `before.total - after.total`.
 *
 * Money in the account's currency, unrounded; a pool's effects are whole {@link MONEY_QUANTUM} units that
 * add up to its change in charge exactly, as the cost model's pool shares do.
 */
import { MB_TOLERANCE, MONEY_QUANTUM, allowanceMb, prorationFactor, type PricedAssignment } from './cost-model.js'
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
  // Per change and pool touched, how much the change reduced the pool's excess, MB (negative: added to it).
  const reduction: { sim: number; pool: number; mb: number }[] = []

  for (let i = 0; i < count; i++) {
    const from = before.assignment[i]!
    const to = after.assignment[i]!
    if (from === to) continue
    const factor = prorationFactor(daysActive[i]!, billing)
    ownSaving[i] = ownCost(problem, before.priced, from, i) - ownCost(problem, after.priced, to, i)
    const fromPool = poolOfPlan[from]!
    const toPool = poolOfPlan[to]!
    const excessOn = (plan: number) => usageMb[i]! - allowanceMb(plans[plan]!, factor)
    if (fromPool >= 0 && fromPool === toPool) {
      reduction.push({ sim: i, pool: fromPool, mb: excessOn(from) - excessOn(to) })
      continue
    }
    if (fromPool >= 0) reduction.push({ sim: i, pool: fromPool, mb: excessOn(from) })
    if (toPool >= 0) reduction.push({ sim: i, pool: toPool, mb: -excessOn(to) })
  }
  spreadPoolSavings(before.priced, after.priced, reduction, poolEffect)
  return { ownSaving, poolEffect }
}

/**
 * A SIM's own lines on `plan`, as the cost model priced them: monthly, voice and SMS (bundles included), and
 * the overage of a plan that does not pool (a pooled SIM's overage is its share of the pool's charge).
 */
function ownCost(problem: Problem, priced: PricedAssignment, plan: number, sim: number): number {
  const own = priced.monthly[sim]! + priced.sms[sim]!
  return problem.poolOfPlan[plan]! < 0 ? own + priced.overage[sim]! : own
}

/**
 * Spreads each pool's saving (its charge before minus after) over the changes that moved the pool's excess the
 * way its charge went (reduced it when the pool charges less, added to it when the pool charges more), in
 * proportion to how far each moved it; changes that moved it the other way get none of it. Rounding the
 * running total (not each share) keeps the sum exact in quanta. A pool whose charge moved while no change
 * moved its excess that way (only float noise at a block boundary) is spread evenly over its changes.
 */
function spreadPoolSavings(before: PricedAssignment, after: PricedAssignment, reduction: readonly { sim: number; pool: number; mb: number }[], poolEffect: Float64Array): void {
  const pools = before.pools.length
  const savingQuanta = before.pools.map((bill, k) => Math.round((bill.charge - after.pools[k]!.charge) / MONEY_QUANTUM))
  // The share of a change in pool k: how far it moved the excess the way the charge went, in MB (0: none).
  const weight = (pool: number, mb: number) => (savingQuanta[pool]! > 0 ? Math.max(0, mb) : Math.max(0, -mb))
  const whole = new Float64Array(pools)
  const touches = new Float64Array(pools)
  for (const { pool, mb } of reduction) {
    whole[pool]! += weight(pool, mb)
    touches[pool]! += 1
  }
  const even = Array.from(whole, (mb) => mb <= MB_TOLERANCE)
  const cumulative = new Float64Array(pools)
  const attributed = new Float64Array(pools)
  const seen = new Float64Array(pools)
  for (const { sim, pool, mb } of reduction) {
    const total = savingQuanta[pool]!
    if (total === 0) continue
    seen[pool]! += 1
    cumulative[pool]! += even[pool] ? 1 : weight(pool, mb)
    const running = seen[pool] === touches[pool] ? total : Math.round((total * cumulative[pool]!) / (even[pool] ? touches[pool]! : whole[pool]!))
    poolEffect[sim]! += (running - attributed[pool]!) * MONEY_QUANTUM
    attributed[pool] = running
  }
}
