import { currentAssignment, priceAssignment, type PricedAssignment, type Problem } from '../domain/index.js'
import { lagrangianStrategy } from './lagrangian-strategy.js'
import { optimizerOptions, type OptimizerOptions } from './options.js'
import { emptyPhaseMs, optimizerStatus, timed, workOfComponents, type OptimizerInfo, type OptimizerWork } from './result-info.js'
import { pricedSeedStrategy, seedStrategy } from './seed-strategy.js'

/**
 * Methods `optimize` knows; the first is the default and the best the project has.
 * - `lagrangian`: the certified optimizer of DESIGN.md §3 (dual prices per pool, LP vertex, local search).
 * - `seed`: the old system's method, kept as the baseline every report compares with.
 */
export const STRATEGIES = ['lagrangian', 'seed'] as const
export type StrategyName = (typeof STRATEGIES)[number]

/** The tunables to change (options.ts; those left out keep their defaults), and what this run is asked. */
export interface OptimizeOptions extends Partial<OptimizerOptions> {
  readonly strategy?: StrategyName
  /** A SIM changes plan only if the change alone saves at least this much on the bill. */
  readonly minSavingPerChange?: number
  /** Worker threads for independent components; 0 solves on the calling thread. Default: one per core, none for one component. */
  readonly workers?: number
  /** Told the components solved, of how many, as they are (the `lagrangian` strategy; `solve-components.ts`). */
  readonly onProgress?: (solved: number, components: number) => void
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
  /** Status, work counted and time per phase (result-info.ts). */
  readonly info: OptimizerInfo
}

export async function optimize(problem: Problem, options: OptimizeOptions = {}): Promise<OptimizationResult> {
  const strategy = options.strategy ?? STRATEGIES[0]
  const tuning = optimizerOptions(options)
  const started = performance.now()
  let assignment: Int32Array
  let lowerBound: number | undefined
  let work: OptimizerWork
  if (strategy === 'seed') {
    const phaseMs = emptyPhaseMs()
    assignment = timed(phaseMs, 'seed', () => seedStrategy(problem))
    work = workOfComponents([], phaseMs)
  } else {
    const result = await lagrangianStrategy(problem, { ...tuning, minSavingPerChange: options.minSavingPerChange, workers: options.workers, onProgress: options.onProgress })
    assignment = result.assignment
    lowerBound = result.lowerBound
    work = result.work
  }
  const seconds = (performance.now() - started) / 1000
  const phaseMs = { ...work.phaseMs }
  const before = timed(phaseMs, 'price', () => priceAssignment(problem, currentAssignment(problem)))
  let priced = timed(phaseMs, 'price', () => priceAssignment(problem, assignment))
  // Never worse than doing nothing; the strategies keep the current plans as a candidate, this is a guard.
  const keptCurrent = priced.total > before.total
  if (keptCurrent) {
    assignment = currentAssignment(problem)
    priced = before
  }
  let baselineCost = priced.total
  if (strategy !== 'seed') {
    baselineCost = timed(phaseMs, 'seed', () => pricedSeedStrategy(problem, before)).priced.total
  }
  const info: OptimizerInfo = { status: optimizerStatus(priced.total, lowerBound, tuning.refineMinGap), ...work, keptCurrent, phaseMs }
  return { strategy, assignment, priced, before, lowerBound, baselineCost, seconds, info }
}
