/**
 * Solves one component: the exact optimum when it is tiny, otherwise the dual ascent for the bound and
 * the prices, the LP vertex those prices point to, and local search with the exact cost model.
 */
import type { Component } from './component.js'
import { simAllowance } from './component-costs.js'
import { maximizeDual } from './dual-ascent.js'
import { EXHAUSTIVE_LIMIT, exhaustiveSearch, searchSpace } from './exhaustive-search.js'
import { LagrangianEvaluator } from './lagrangian.js'
import { LocalSearch } from './local-search.js'
import { roundCombination } from './round-combination.js'

export interface ComponentOptions {
  /** A SIM changes plan only if the change saves at least this much on the bill (0: any saving). */
  readonly minSavingPerChange?: number
}

export interface ComponentSolution {
  /** Local plan of every SIM of the component. */
  readonly choice: Int32Array
  /** No assignment of the component costs less. */
  readonly bound: number
  readonly method: 'exhaustive' | 'dual'
  readonly dualEvaluations: number
}

/** Relative size below which two Lagrangian costs are a tie, settled in favour of the current plan. */
const TIE = 1e-12

export function solveComponent(component: Component, options: ComponentOptions = {}): ComponentSolution {
  const penalty = options.minSavingPerChange ?? 0
  if (searchSpace(component) <= EXHAUSTIVE_LIMIT) {
    const { choice, optimum } = exhaustiveSearch(component, penalty)
    const search = new LocalSearch(component, choice)
    if (penalty > 0) search.keepChangesSaving(penalty)
    return { choice: search.choice, bound: optimum - 1e-12 * Math.abs(optimum), method: 'exhaustive', dualEvaluations: 0 }
  }

  const evaluator = new LagrangianEvaluator(component, penalty)
  const dual = maximizeDual(evaluator)
  let evaluations = dual.evaluations
  const choice = new Int32Array(component.simIndex.length)
  roundCombination(component, evaluator, dual.lambda, dual.combination, choice)
  preferCurrentOnTies(component, evaluator, dual.lambda, choice)

  const search = new LocalSearch(component, choice, { changePenalty: penalty, prices: dual.lambda })
  search.run()
  if (penalty > 0) search.keepChangesSaving(penalty)

  let bound = dual.bound
  if (penalty > 0) {
    // The penalized dual bounds the bill plus penalties; the bill alone needs its own.
    const plain = maximizeDual(new LagrangianEvaluator(component), { start: dual.lambda })
    evaluations += plain.evaluations
    bound = plain.bound
  }
  return { choice: search.choice, bound, method: 'dual', dualEvaluations: evaluations }
}

/**
 * A SIM whose current plan is as cheap, at these prices, as the one chosen, and weighs the same on the pools,
 * stays where it is: a change that saves nothing is not worth making.
 */
function preferCurrentOnTies(component: Component, evaluator: LagrangianEvaluator, lambda: Float64Array, choice: Int32Array): void {
  for (let s = 0; s < choice.length; s++) {
    const now = component.current[s]!
    const chosen = choice[s]!
    if (chosen === now || component.locked[s]) continue
    const pool = component.poolOfPlan[now]!
    if (pool !== component.poolOfPlan[chosen] || (pool >= 0 && simAllowance(component, s, now) !== simAllowance(component, s, chosen))) continue
    const stay = evaluator.optionCost(s, now, lambda)
    const cost = evaluator.optionCost(s, chosen, lambda)
    if (stay <= cost + TIE * (Math.abs(cost) + 1)) choice[s] = now
  }
}
