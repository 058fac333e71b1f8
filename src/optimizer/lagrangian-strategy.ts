/**
 * The main strategy (DESIGN.md §3): split the problem into independent components, solve each for a
 * certified bound and a near-optimal assignment, and put the pieces together.
 */
import type { Problem } from '../domain/index.js'
import { splitComponents } from './component.js'
import { emptyPhaseMs, timed, workOfComponents, type OptimizerWork } from './result-info.js'
import { solveComponents, type ParallelOptions } from './solve-components.js'

export interface LagrangianResult {
  readonly assignment: Int32Array
  /** Sum of the components' bounds: no assignment of the problem costs less. */
  readonly lowerBound: number
  readonly components: number
  readonly dualEvaluations: number
  /** The work counted, per phase and over the components (result-info.ts). */
  readonly work: OptimizerWork
}

/** `options`: the tunables to change (options.ts; the rest keep their defaults), the change minimum and the threads. */
export async function lagrangianStrategy(problem: Problem, options: ParallelOptions = {}): Promise<LagrangianResult> {
  const phaseMs = emptyPhaseMs()
  const components = timed(phaseMs, 'split', () => splitComponents(problem))
  const solutions = await solveComponents(components, options)
  const assignment = problem.sims.currentPlan.slice()
  let lowerBound = 0
  let dualEvaluations = 0
  for (const [index, component] of components.entries()) {
    const solution = solutions[index]!
    for (let s = 0; s < component.simIndex.length; s++) assignment[component.simIndex[s]!] = component.planIndex[solution.choice[s]!]!
    lowerBound += solution.bound
    dualEvaluations += solution.dualEvaluations
  }
  const work = workOfComponents(solutions.map((solution) => solution.stats), phaseMs)
  return { assignment, lowerBound, components: components.length, dualEvaluations, work }
}
