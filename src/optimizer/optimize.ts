import { currentAssignment, priceAssignment, type PricedAssignment, type Problem } from '../domain/index.js'
import { lagrangianStrategy } from './lagrangian-strategy.js'
import { seedStrategy } from './seed-strategy.js'

/**
 * Methods `optimize` knows; the first is the default and the best the project has.
 * - `lagrangian`: the certified optimizer of DESIGN.md §3 (dual prices per pool, LP vertex, local search).
 * - `seed`: the old system's method, kept as the baseline every report compares with.
 */
export const STRATEGIES = ['lagrangian', 'seed'] as const
export type StrategyName = (typeof STRATEGIES)[number]

export interface OptimizeOptions {
  readonly strategy?: StrategyName
  /** A SIM changes plan only if the change alone saves at least this much on the bill. */
  readonly minSavingPerChange?: number
  /** Worker threads for independent components; 0 solves on the calling thread. Default: one per core, none for one component. */
  readonly workers?: number
}

export interface OptimizationResult {
  readonly strategy: StrategyName
  /** Plan index of every SIM, in the rows of the problem's SIM table. */
  readonly assignment: Int32Array
  /** The cost model applied to `assignment`: the total reported is exactly what it gives. */
  readonly priced: PricedAssignment
  /** The assignment that changes nothing, priced the same way. */
  readonly before: PricedAssignment
  /** A proven lower bound on the cost of any assignment, when the strategy certifies one. */
  readonly lowerBound: number | undefined
  /** Cost of the old system's method (`seed`) on the same problem, the baseline every report compares with. */
  readonly baselineCost: number
  /** Seconds the strategy took (the baseline not included). */
  readonly seconds: number
}

export async function optimize(problem: Problem, options: OptimizeOptions = {}): Promise<OptimizationResult> {
  const strategy = options.strategy ?? STRATEGIES[0]
  const started = performance.now()
  let assignment: Int32Array
  let lowerBound: number | undefined
  if (strategy === 'seed') {
    assignment = seedStrategy(problem)
  } else {
    const result = await lagrangianStrategy(problem, { minSavingPerChange: options.minSavingPerChange, workers: options.workers })
    assignment = result.assignment
    lowerBound = result.lowerBound
  }
  const seconds = (performance.now() - started) / 1000
  const before = priceAssignment(problem, currentAssignment(problem))
  let priced = priceAssignment(problem, assignment)
  // Never worse than doing nothing; the strategies keep the current plans as a candidate, this is a guard.
  if (priced.total > before.total) {
    assignment = currentAssignment(problem)
    priced = before
  }
  const baselineCost = strategy === 'seed' ? priced.total : priceAssignment(problem, seedStrategy(problem)).total
  return { strategy, assignment, priced, before, lowerBound, baselineCost, seconds }
}
