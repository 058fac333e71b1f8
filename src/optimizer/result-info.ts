/**
 * What the optimizer reports about its own run besides the answer: a status, the work counted, why each
 * component stopped and the time per phase (docs/optimizer.md, "Result info"). Collected from counts the
 * phases make anyway; none of it steers the answer.
 */

/**
 * - `optimal`: the cost equals the proven lower bound (to float noise): no assignment is cheaper.
 * - `within-gap`: the cost is at most `refineMinGap` (0.01% by default) above the bound: the gap the
 *   optimizer itself aims for.
 * - `gap-open`: more than that above the bound, every method having run to its end or its counted budget
 *   (the optimizer has no time limit). The assignment may still be optimal: the bound may be what is loose.
 * - `no-bound`: the strategy proves no bound (`seed`).
 * With a minimum saving per change, the gap includes the savings given up by the changes not made.
 */
export const OPTIMIZER_STATUSES = ['optimal', 'within-gap', 'gap-open', 'no-bound'] as const
export type OptimizerStatus = (typeof OPTIMIZER_STATUSES)[number]

/**
 * Why a component's solve ended (solve-component.ts):
 * - `enumerated`: tiny enough to enumerate every assignment;
 * - `gap-closed`: the first search ended within `refineMinGap` of the bound;
 * - `refined`: a gap was left on a component of at most `refineMaxSims` SIMs, which got the second search,
 *   the lumpy-pool bound and the branching bound;
 * - `too-large-to-refine`: a gap was left on a bigger component, which got the branching bound only (none
 *   when its budget, falling with the size, is below `branchEvaluationsMin`).
 */
export const COMPONENT_STOPS = ['enumerated', 'gap-closed', 'refined', 'too-large-to-refine'] as const
export type ComponentStop = (typeof COMPONENT_STOPS)[number]

/**
 * Phases timed, in milliseconds: `split` (into components), then per component `exhaustive`, `dual` (building
 * the evaluator and the ascents), `dives`, `search` (roundings and local searches, swaps included) and
 * `bound` (lumpy-pool and branching bounds), summed over components, so the sum exceeds the wall time when
 * worker threads solve several at once; `seed` (the old method, as the strategy or as the baseline) and
 * `price` (the cost model on the answer, the current plans and the baseline).
 */
export const OPTIMIZER_PHASES = ['split', 'exhaustive', 'dual', 'dives', 'search', 'bound', 'seed', 'price'] as const
export type OptimizerPhase = (typeof OPTIMIZER_PHASES)[number]
export type PhaseMs = Record<OptimizerPhase, number>

/** One component's figures (solve-component.ts). */
export interface ComponentStats {
  readonly stop: ComponentStop
  /** Dual evaluations of the ascents and the dives (the roundings' not included). */
  readonly dualEvaluations: number
  /** Dual evaluations of the branching bound, its roundings' included (what its budget counts). */
  readonly branchEvaluations: number
  /** SIMs the dives held before the rounding the search started from. */
  readonly dives: number
  /** The first dual ascent's model certified the maximum (else it stopped at `dualMaxEvaluations`). */
  readonly dualConverged: boolean
  /** The last local search stopped because its budget was spent. */
  readonly searchBudgetSpent: boolean
  readonly phaseMs: PhaseMs
}

/** The result info of one `optimize()` (or of several, merged: a session's components). */
export interface OptimizerInfo {
  readonly status: OptimizerStatus
  /** Independent components solved (0 for `seed`, which works per comm group). */
  readonly components: number
  /** Components by why they stopped. */
  readonly stops: Readonly<Record<ComponentStop, number>>
  /** Dual (Lagrangian) evaluations of the ascents and dives, over all components. */
  readonly dualEvaluations: number
  /** Dual evaluations of the branching bounds, their roundings' included. */
  readonly branchEvaluations: number
  /** SIMs held by dives, over all components. */
  readonly dives: number
  /** Components whose first dual ascent stopped at its evaluation cap, uncertified (its bound is still valid). */
  readonly dualUnconverged: number
  /** Components whose search stopped at its budget. */
  readonly searchBudgetSpent: number
  /** The strategy's answer cost more than the current plans, which were kept instead (a guard that should not fire). */
  readonly keptCurrent: boolean
  readonly phaseMs: Readonly<PhaseMs>
}

/** What a strategy counted; `optimize()` adds the status and the guard's outcome. */
export type OptimizerWork = Omit<OptimizerInfo, 'status' | 'keptCurrent'>

/** A strategy's figures from its components' (and the milliseconds it spent outside them). */
export function workOfComponents(components: readonly ComponentStats[], phaseMs: PhaseMs = emptyPhaseMs()): OptimizerWork {
  const stops = noStops()
  const total = { ...phaseMs }
  let dualEvaluations = 0
  let branchEvaluations = 0
  let dives = 0
  let dualUnconverged = 0
  let searchBudgetSpent = 0
  for (const stats of components) {
    stops[stats.stop]++
    for (const phase of OPTIMIZER_PHASES) total[phase] += stats.phaseMs[phase]
    dualEvaluations += stats.dualEvaluations
    branchEvaluations += stats.branchEvaluations
    dives += stats.dives
    if (!stats.dualConverged) dualUnconverged++
    if (stats.searchBudgetSpent) searchBudgetSpent++
  }
  return { components: components.length, stops, dualEvaluations, branchEvaluations, dives, dualUnconverged, searchBudgetSpent, phaseMs: total }
}

function noStops(): Record<ComponentStop, number> {
  return { enumerated: 0, 'gap-closed': 0, refined: 0, 'too-large-to-refine': 0 }
}

export function emptyPhaseMs(): PhaseMs {
  return { split: 0, exhaustive: 0, dual: 0, dives: 0, search: 0, bound: 0, seed: 0, price: 0 }
}

/** Runs `work`, adding its milliseconds to `phaseMs[phase]`. */
export function timed<T>(phaseMs: PhaseMs, phase: OptimizerPhase, work: () => T): T {
  const started = performance.now()
  try {
    return work()
  } finally {
    phaseMs[phase] += performance.now() - started
  }
}

/** Float noise: a gap below this share of the cost is no gap. */
const OPTIMAL_GAP = 1e-9

/** The status of an answer costing `cost` with proven bound `lowerBound` (undefined: none proven). */
export function optimizerStatus(cost: number, lowerBound: number | undefined, refineMinGap: number): OptimizerStatus {
  if (lowerBound === undefined) return 'no-bound'
  const gap = cost - lowerBound
  const scale = Math.max(1, Math.abs(cost))
  if (gap <= OPTIMAL_GAP * scale) return 'optimal'
  return gap <= refineMinGap * Math.abs(cost) ? 'within-gap' : 'gap-open'
}

/**
 * The figures of several runs as one (a session's components, each optimized on its own): counts and times
 * add up; the status is the worst, which is safe (each part within a relative gap puts the sum within it)
 * though the sum may be closer than the worst part. Undefined for no runs.
 */
export function mergeOptimizerInfo(infos: readonly OptimizerInfo[]): OptimizerInfo | undefined {
  if (infos.length === 0) return undefined
  const stops = noStops()
  const phaseMs = emptyPhaseMs()
  let status = 0
  for (const info of infos) {
    status = Math.max(status, OPTIMIZER_STATUSES.indexOf(info.status))
    for (const stop of COMPONENT_STOPS) stops[stop] += info.stops[stop]
    for (const phase of OPTIMIZER_PHASES) phaseMs[phase] += info.phaseMs[phase]
  }
  const sum = (figure: (info: OptimizerInfo) => number) => infos.reduce((total, info) => total + figure(info), 0)
  return {
    status: OPTIMIZER_STATUSES[status]!,
    components: sum((info) => info.components),
    stops,
    dualEvaluations: sum((info) => info.dualEvaluations),
    branchEvaluations: sum((info) => info.branchEvaluations),
    dives: sum((info) => info.dives),
    dualUnconverged: sum((info) => info.dualUnconverged),
    searchBudgetSpent: sum((info) => info.searchBudgetSpent),
    keptCurrent: infos.some((info) => info.keptCurrent),
    phaseMs,
  }
}
