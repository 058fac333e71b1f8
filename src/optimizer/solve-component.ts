/**
 * Solves one component: the exact optimum when it is tiny, otherwise the dual ascent for the bound and
 * the prices, the LP vertex those prices point to, and local search with the exact cost model.
 */
import { branchBound } from './branch-bound.js'
import type { Component } from './component.js'
import { simAllowance } from './component-costs.js'
import { dive } from './dive.js'
import { maximizeDual, type DualAscentOptions } from './dual-ascent.js'
import { exhaustiveSearch, searchSpace } from './exhaustive-search.js'
import { LagrangianEvaluator } from './lagrangian.js'
import { LocalSearch } from './local-search.js'
import { optimizerOptions, type OptimizerOptions } from './options.js'
import { roundCombination } from './round-combination.js'
import { emptyPhaseMs, timed, type ComponentStats, type ComponentStop } from './result-info.js'
import { strengthenBound } from './strengthen-bound.js'
import { swapAcrossPools } from './pool-swap.js'

export interface ComponentOptions extends Partial<OptimizerOptions> {
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
  readonly stats: ComponentStats
}

/** Relative size below which two Lagrangian costs are a tie, settled in favour of the current plan: a float guard, not a tunable. */
const TIE = 1e-12

/**
 * The branching bound's budget in dual evaluations (options.ts: `branchEvaluationsAt10k` and the rest):
 * falling with the square of the size like the dives' (each evaluation costs in proportion to the size, and
 * big fleets are fine-grained enough for the LP), capped for small components, whose evaluations are cheap
 * but whose trees are wide, and falling with the number of pools past `branchFullPools` (each dual solve
 * costs more and each branching has more children). 0 when too small to solve one branching's children.
 */
function branchBudget(sims: number, pools: number, options: OptimizerOptions): number {
  const budget =
    Math.min(options.branchEvaluationsMax, options.branchEvaluationsAt10k * (10_000 / Math.max(1, sims)) ** 2) *
    Math.min(1, options.branchFullPools / Math.max(1, pools))
  return budget >= options.branchEvaluationsMin ? budget : 0
}

export function solveComponent(component: Component, componentOptions: ComponentOptions = {}): ComponentSolution {
  const options = optimizerOptions(componentOptions)
  const penalty = componentOptions.minSavingPerChange ?? 0
  const phaseMs = emptyPhaseMs()
  if (searchSpace(component, options.exhaustiveLimit) <= options.exhaustiveLimit) {
    return timed(phaseMs, 'exhaustive', () => {
      const { choice, optimum } = exhaustiveSearch(component, penalty)
      const search = new LocalSearch(component, choice, { tuning: options })
      if (penalty > 0) search.keepChangesSaving(penalty)
      const stats = { stop: 'enumerated', dualEvaluations: 0, branchEvaluations: 0, dives: 0, dualConverged: true, searchBudgetSpent: false, phaseMs } as const
      return { choice: search.choice, bound: optimum - 1e-12 * Math.abs(optimum), method: 'exhaustive', dualEvaluations: 0, stats }
    })
  }

  const ascent: DualAscentOptions = { tolerance: options.dualTolerance, maxEvaluations: options.dualMaxEvaluations, radius: options.dualRadius }
  const evaluator = timed(phaseMs, 'dual', () => new LagrangianEvaluator(component, penalty, options.dualParts))
  const dual = timed(phaseMs, 'dual', () => maximizeDual(evaluator, ascent))
  let evaluations = dual.evaluations
  const dived = new Int32Array(component.simIndex.length)
  const dives = timed(phaseMs, 'dives', () => dive(component, evaluator, dual, dived, options))
  evaluations += dives.evaluations
  // The penalized dual bounds the searched objective (the bill plus the penalties): a search meeting it is done.
  const target = dual.bound
  let search = timed(phaseMs, 'search', () => searchFrom(component, evaluator, dual.lambda, dived, penalty, options, target))

  // The penalized dual bounds the bill plus penalties; the bill alone needs its own.
  const billEvaluator = penalty > 0 ? timed(phaseMs, 'dual', () => new LagrangianEvaluator(component, 0, options.dualParts)) : evaluator
  const billDual = penalty > 0 ? timed(phaseMs, 'dual', () => maximizeDual(billEvaluator, { ...ascent, start: dual.lambda })) : dual
  evaluations += penalty > 0 ? billDual.evaluations : 0
  let branchEvaluations = 0
  const solution = (bound: number, stop: ComponentStop): ComponentSolution => {
    const stats: ComponentStats = {
      stop,
      dualEvaluations: evaluations,
      branchEvaluations,
      dives: dives.steps,
      dualConverged: Number.isFinite(dual.ceiling),
      searchBudgetSpent: search.budgetSpent,
      phaseMs,
    }
    return { choice: search.choice, bound, method: 'dual', dualEvaluations: evaluations, stats }
  }
  const branch = (budget: number): number => {
    const branched = branchBound(component, billEvaluator, billDual, search.ledger.total(), budget, options)
    branchEvaluations = branched.evaluations
    return branched.bound
  }
  const settled = search.ledger.total() - billDual.bound <= options.refineMinGap * Math.abs(search.ledger.total())
  if (settled) return solution(billDual.bound, 'gap-closed')
  const budget = branchBudget(component.simIndex.length, component.poolIndex.length, options)
  if (component.simIndex.length > options.refineMaxSims) {
    const bound = budget > 0 ? timed(phaseMs, 'bound', () => branch(budget)) : billDual.bound
    return solution(bound, 'too-large-to-refine')
  }

  // A gap worth closing is left, typically on small fleets where a few big SIMs decide the bill. Neither
  // start wins everywhere (dives fix what rounding cannot balance, but commit early), so the plain
  // rounding is searched too, and the bound is given the lumpy pools' exact charge.
  if (dives.steps > 0) {
    const other = timed(phaseMs, 'search', () => {
      const rounded = new Int32Array(component.simIndex.length)
      roundCombination(component, evaluator, dual.lambda, dual.combination, rounded)
      return searchFrom(component, evaluator, dual.lambda, rounded, penalty, options, target)
    })
    if (other.objective() < search.objective() - 1e-9) search = other
  }
  const bound = timed(phaseMs, 'bound', () => {
    const strengthened = strengthenBound(component, billEvaluator, billDual.lambda, billDual.bound, search.ledger.total(), options)
    // Both are proven bounds, so the larger is too.
    return Math.max(strengthened, branch(budget))
  })
  return solution(bound, 'refined')
}

/** Local search from `start` (ties settled towards the current plan), with the change penalty applied. */
function searchFrom(
  component: Component,
  evaluator: LagrangianEvaluator,
  lambda: Float64Array,
  start: Int32Array,
  penalty: number,
  options: OptimizerOptions,
  target: number,
): LocalSearch {
  preferCurrentOnTies(component, evaluator, lambda, start)
  const search = new LocalSearch(component, start, { changePenalty: penalty, prices: lambda, tuning: options, target })
  search.run()
  // A swap across pools opens moves the search could not make; each round's swaps are searched from.
  for (let round = 0; round < options.swapRounds && !search.reachedTarget() && swapAcrossPools(search, options.swapSims) > 0; round++) search.run()
  if (penalty > 0) search.keepChangesSaving(penalty)
  return search
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
