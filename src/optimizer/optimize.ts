import { currentAssignment, priceAssignment, type PricedAssignment, type Problem } from '../domain/index.js'
import { seedStrategy } from './seed-strategy.js'

/** Methods `optimize` knows; the first is the default, the best the project has. */
export const STRATEGIES = ['seed'] as const
export type StrategyName = (typeof STRATEGIES)[number]

export interface OptimizeOptions {
  readonly strategy?: StrategyName
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
  readonly seconds: number
}

export async function optimize(problem: Problem, options: OptimizeOptions = {}): Promise<OptimizationResult> {
  const strategy = options.strategy ?? STRATEGIES[0]
  const started = performance.now()
  const assignment = seedStrategy(problem)
  const seconds = (performance.now() - started) / 1000
  const priced = priceAssignment(problem, assignment)
  return {
    strategy,
    assignment,
    priced,
    before: priceAssignment(problem, currentAssignment(problem)),
    lowerBound: undefined,
    baselineCost: priced.total,
    seconds,
  }
}
