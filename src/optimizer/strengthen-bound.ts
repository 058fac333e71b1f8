/**
 * A stronger bound for lumpy pools. The dual charges a pool `λ` per MB of excess, as if its members could
 * be split; a pool of a few members who each bring 51,000 MB (a 50 GB plan) cannot land on zero excess,
 * and the dual's credit for the allowance it must leave unused is money no assignment can collect.
 *
 * For one pool at a time, this keeps the pool's charge exact (its staircase) while the other pools stay
 * priced by the dual, and minimises exactly over the SIMs whose choice could still matter: a plan whose
 * reduced cost at the dual prices exceeds the gap to the best assignment known cannot be part of any
 * cheaper assignment (reduced-cost fixing). The few SIMs left are searched exactly through the Pareto
 * front of (excess, cost); the bound rises by what the exact charge adds, never above the best known cost.
 */
import { MB_TOLERANCE, overageCharge } from '../domain/index.js'
import type { Component } from './component.js'
import { simAllowance } from './component-costs.js'
import type { LagrangianEvaluator } from './lagrangian.js'
import { DEFAULT_OPTIMIZER_OPTIONS, type OptimizerOptions } from './options.js'
import { ORIGIN, extendFront, type FrontMove } from './pareto-front.js'

/**
 * What the lumpy-pool bound reads of the options (options.ts): how big a pool's front may grow. Most pools of
 * a many-plan component have hundreds of SIMs within the gap and fronts that never close; the lumpy pools
 * this bound is for have few.
 */
export type StrengthenOptions = Pick<OptimizerOptions, 'frontMaxPoints' | 'frontMaxWork'>

/**
 * The best bound from treating one pool exactly: `bound` raised by the largest pool's correction, capped at
 * `incumbent`. `lambda` must be the prices `bound` was computed at.
 */
export function strengthenBound(
  component: Component,
  evaluator: LagrangianEvaluator,
  lambda: Float64Array,
  bound: number,
  incumbent: number,
  options: StrengthenOptions = DEFAULT_OPTIMIZER_OPTIONS,
): number {
  const gap = incumbent - bound
  if (!(gap > 0)) return bound
  let best = 0
  for (let k = 0; k < component.poolIndex.length; k++) {
    const correction = exactPoolCorrection(component, evaluator, lambda, k, gap, options)
    if (correction !== undefined) best = Math.max(best, correction)
  }
  return Math.min(incumbent, bound + best)
}

/** How much the dual bound rises when pool k's charge is kept exact; undefined when the search is too big. */
function exactPoolCorrection(
  component: Component,
  evaluator: LagrangianEvaluator,
  lambda: Float64Array,
  k: number,
  gap: number,
  limits: StrengthenOptions,
): number | undefined {
  const c = component
  const price = lambda[k]!
  // The pool's excess and the cost, apart from its charge, before any item's choice: each item starts on
  // its base option, and its other options are moves relative to that.
  let baseExcess = 0
  let baseCost = 0
  const items: { readonly moves: FrontMove[]; readonly baseReduced: number }[] = []
  for (let s = 0; s < c.simIndex.length; s++) {
    if (c.locked[s]) {
      const p = c.current[s]!
      if (c.poolOfPlan[p] === k) baseExcess += c.usageMb[s]! - simAllowance(c, s, p)
      continue
    }
    const set = c.optionSet[s]!
    let cheapest = Infinity
    for (let o = c.optionStart[set]!; o < c.optionStart[set + 1]!; o++) cheapest = Math.min(cheapest, evaluator.optionCost(s, c.options[o]!, lambda))
    // Options within the gap of the SIM's cheapest (no cheaper assignment uses another), as
    // (excess in pool k, Lagrangian cost without pool k's price, relative to the cheapest).
    const options: FrontMove[] = []
    let touchesPool = false
    for (let o = c.optionStart[set]!; o < c.optionStart[set + 1]!; o++) {
      const p = c.options[o]!
      const cost = evaluator.optionCost(s, p, lambda)
      if (cost - cheapest > gap) continue
      const mb = c.poolOfPlan[p] === k ? c.usageMb[s]! - simAllowance(c, s, p) : 0
      touchesPool ||= mb !== 0
      options.push({ mb, cost: cost - price * mb - cheapest })
    }
    if (!touchesPool) continue
    options.sort((a, b) => a.mb - b.mb || a.cost - b.cost)
    const base = options.find((option) => option.mb === 0) ?? options[0]!
    baseExcess += base.mb
    baseCost += base.cost
    items.push({
      moves: options.filter((option) => option !== base).map((option) => ({ mb: option.mb - base.mb, cost: option.cost - base.cost })),
      baseReduced: base.cost + price * base.mb,
    })
  }

  // A point whose SIMs so far already add up more reduced cost than the gap leads to no assignment cheaper
  // than the best known (each SIM still to come can take a plan of reduced cost 0), so it is dropped:
  // this keeps the fronts small.
  let front = ORIGIN
  let baseReduced = 0
  let work = 0
  for (const { moves, baseReduced: itemBase } of items) {
    work += front.mb.length * (moves.length + 1)
    if (work > limits.frontMaxWork) return undefined
    baseReduced += itemBase
    const step = extendFront(front, moves, limits.frontMaxPoints, 'fail', (mb, cost) => baseReduced + cost + price * mb <= gap + 1e-9)
    if (step === undefined || step.front.mb.length === 0) return undefined
    front = step.front
  }
  // The dual counted each item at its Lagrangian minimum (0 here) and the pool at λ·(excess − tol) for
  // the locked SIMs; the exact count prices the pool with its staircase instead.
  let lockedExcess = 0
  for (let s = 0; s < c.simIndex.length; s++) {
    if (c.locked[s] && c.poolOfPlan[c.current[s]!] === k) lockedExcess += c.usageMb[s]! - simAllowance(c, s, c.current[s]!)
  }
  const linear = price * (lockedExcess - MB_TOLERANCE)
  const blockMb = c.poolBlockMb[k]!
  const blockPrice = c.poolBlockPrice[k]!
  let exact = Infinity
  for (let point = 0; point < front.mb.length; point++) {
    exact = Math.min(exact, baseCost + front.cost[point]! + overageCharge(baseExcess + front.mb[point]!, blockMb, blockPrice))
  }
  return Math.max(0, exact - linear)
}
