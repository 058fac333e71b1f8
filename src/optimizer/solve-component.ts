/**
 * Solves one component: the exact optimum when it is tiny, otherwise the dual ascent for the bound and
 * the prices, the LP vertex those prices point to, and local search with the exact cost model.
 */
import { branchBound } from './branch-bound.js'
import type { Component } from './component.js'
import { simAllowance } from './component-costs.js'
import { dive } from './dive.js'
import { maximizeDual } from './dual-ascent.js'
import { EXHAUSTIVE_LIMIT, exhaustiveSearch, searchSpace } from './exhaustive-search.js'
import { LagrangianEvaluator } from './lagrangian.js'
import { LocalSearch } from './local-search.js'
import { roundCombination } from './round-combination.js'
import { strengthenBound } from './strengthen-bound.js'
import { swapAcrossPools } from './pool-swap.js'

export interface ComponentOptions {
  /** A SIM changes plan only if the change saves at least this much on the bill (0: any saving). */
  readonly minSavingPerChange?: number
  /** Components with at most this many assignments are enumerated (default `EXHAUSTIVE_LIMIT`; 0 never). */
  readonly exhaustiveLimit?: number
}

export interface ComponentSolution {
  /** Local plan of every SIM of the component. */
  readonly choice: Int32Array
  /** No assignment of the component costs less. */
  readonly bound: number
  readonly method: 'exhaustive' | 'dual'
  readonly dualEvaluations: number
}

/** Rounds of swaps across pools (`pool-swap.ts`), each followed by the search. */
const SWAP_ROUNDS = 5
/** Relative size below which two Lagrangian costs are a tie, settled in favour of the current plan. */
const TIE = 1e-12
/**
 * Relative gap under which a component is done. Above it, on components of at most `REFINE_MAX_SIMS`
 * SIMs, a second search and a stronger bound are worth their time. On larger ones they found nothing in
 * the benchmark (10k to 100k SIMs, 15 to 100 plans) and cost up to eight times the rest (100k x 100).
 */
const REFINE_MIN_GAP = 1e-4
const REFINE_MAX_SIMS = 5_000
/**
 * Dual evaluations the branching bound (`branch-bound.ts`) may spend on a 10k-SIM component with a gap left
 * and at most `BRANCH_FULL_POOLS` pools, falling with the square of the size like the dives' (each evaluation
 * costs in proportion to the size, and big fleets are fine-grained enough for the LP): about 65 at 30k, none
 * from 40k SIMs up. Capped for small components, whose evaluations are cheap but whose trees are wide. With
 * more pools each dual solve costs more and each branching has more children, and it gained little: at
 * 10k x 100 (48 pools) 600 evaluations took 2.7 s and raised the bound by at most 0.001%, so the budget
 * falls with the number of pools. At 10k x 15 (5 pools, generator seed 2) the tree took the bound from
 * 59,324.54 to 59,345.42 (HiGHS, after 300 s: 59,347.80), 0.076% to 0.041% below the assignment.
 */
const BRANCH_EVALUATIONS_AT_10K = 600
const BRANCH_EVALUATIONS_MAX = 2_000
const BRANCH_FULL_POOLS = 6
/** A smaller budget than this cannot solve the two children of one branching: not worth starting. */
const BRANCH_EVALUATIONS_MIN = 40

function branchBudget(sims: number, pools: number): number {
  const budget = Math.min(BRANCH_EVALUATIONS_MAX, BRANCH_EVALUATIONS_AT_10K * (10_000 / Math.max(1, sims)) ** 2) * Math.min(1, BRANCH_FULL_POOLS / Math.max(1, pools))
  return budget >= BRANCH_EVALUATIONS_MIN ? budget : 0
}

export function solveComponent(component: Component, options: ComponentOptions = {}): ComponentSolution {
  const penalty = options.minSavingPerChange ?? 0
  if (searchSpace(component) <= (options.exhaustiveLimit ?? EXHAUSTIVE_LIMIT)) {
    const { choice, optimum } = exhaustiveSearch(component, penalty)
    const search = new LocalSearch(component, choice)
    if (penalty > 0) search.keepChangesSaving(penalty)
    return { choice: search.choice, bound: optimum - 1e-12 * Math.abs(optimum), method: 'exhaustive', dualEvaluations: 0 }
  }

  const evaluator = new LagrangianEvaluator(component, penalty)
  const dual = maximizeDual(evaluator)
  let evaluations = dual.evaluations
  const dived = new Int32Array(component.simIndex.length)
  const dives = dive(component, evaluator, dual, dived)
  evaluations += dives.evaluations
  let search = searchFrom(component, evaluator, dual.lambda, dived, penalty)

  // The penalized dual bounds the bill plus penalties; the bill alone needs its own.
  const billEvaluator = penalty > 0 ? new LagrangianEvaluator(component) : evaluator
  const billDual = penalty > 0 ? maximizeDual(billEvaluator, { start: dual.lambda }) : dual
  evaluations += penalty > 0 ? billDual.evaluations : 0
  const settled = search.ledger.total() - billDual.bound <= REFINE_MIN_GAP * Math.abs(search.ledger.total())
  if (settled) return { choice: search.choice, bound: billDual.bound, method: 'dual', dualEvaluations: evaluations }
  const budget = branchBudget(component.simIndex.length, component.poolIndex.length)
  if (component.simIndex.length > REFINE_MAX_SIMS) {
    const bound = budget > 0 ? branchBound(component, billEvaluator, billDual, search.ledger.total(), budget) : billDual.bound
    return { choice: search.choice, bound, method: 'dual', dualEvaluations: evaluations }
  }

  // A gap worth closing is left, typically on small fleets where a few big SIMs decide the bill. Neither
  // start wins everywhere (dives fix what rounding cannot balance, but commit early), so the plain
  // rounding is searched too, and the bound is given the lumpy pools' exact charge.
  if (dives.steps > 0) {
    const rounded = new Int32Array(component.simIndex.length)
    roundCombination(component, evaluator, dual.lambda, dual.combination, rounded)
    const other = searchFrom(component, evaluator, dual.lambda, rounded, penalty)
    if (other.objective() < search.objective() - 1e-9) search = other
  }
  const strengthened = strengthenBound(component, billEvaluator, billDual.lambda, billDual.bound, search.ledger.total())
  // Both are proven bounds, so the larger is too.
  const bound = Math.max(strengthened, branchBound(component, billEvaluator, billDual, search.ledger.total(), budget))
  return { choice: search.choice, bound, method: 'dual', dualEvaluations: evaluations }
}

/** Local search from `start` (ties settled towards the current plan), with the change penalty applied. */
function searchFrom(component: Component, evaluator: LagrangianEvaluator, lambda: Float64Array, start: Int32Array, penalty: number): LocalSearch {
  preferCurrentOnTies(component, evaluator, lambda, start)
  const search = new LocalSearch(component, start, { changePenalty: penalty, prices: lambda })
  search.run()
  // A swap across pools opens moves the search could not make; each round's swaps are searched from.
  for (let round = 0; round < SWAP_ROUNDS && swapAcrossPools(search) > 0; round++) search.run()
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
