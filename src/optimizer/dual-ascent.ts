/**
 * Maximises the Lagrangian dual of a component by cutting planes in a moving box (a box-step bundle
 * method). Each evaluation gives the dual's value and a supergradient, so the dual lies below the plane
 * through them; the master LP maximises the model over a box around the best point found, and the next
 * evaluation happens where it lands. A plain subgradient method stalls percents below the optimum on
 * these problems; the planes converge to it.
 *
 * The dual is a sum over SIMs, so each evaluation gives a plane for every part of it (SIMs grouped by
 * usage, `OptimizerOptions.dualParts`): a far better model per evaluation than one plane for the sum, which matters with
 * tens of pools. Prices are scaled to `[0, 1]` (a pool's price over its `O/D`) so every direction weighs
 * the same.
 */
import { CuttingPlaneMaster } from './cutting-plane-master.js'
import type { LagrangianEvaluator } from './lagrangian.js'
import { DEFAULT_OPTIMIZER_OPTIONS } from './options.js'

export interface DualAscentOptions {
  /** Stop when the model promises less than this share of the bound more (default `OptimizerOptions.dualTolerance`). */
  readonly tolerance?: number
  /** Default `OptimizerOptions.dualMaxEvaluations`. */
  readonly maxEvaluations?: number
  /** Starting prices, MB⁻¹ (a warm start); default half of each pool's `O/D`. */
  readonly start?: Float64Array
  /** First half-width of the box, in shares of each pool's `O/D` (default `OptimizerOptions.dualRadius`; smaller for a warm start). */
  readonly radius?: number
}

/** A point of the final model's combination, weighted per part. */
export interface CombinationPoint {
  readonly lambda: Float64Array
  /** Convex weight of this point for each part (0 when the part's combination does not use it). */
  readonly weights: Float64Array
}

export interface DualAscentResult {
  /** Best prices found, MB⁻¹. */
  readonly lambda: Float64Array
  /**
   * The points the final model rests on: for each part, its SIMs' LP solution is (nearly) the
   * weighted combination of the assignments minimising the dual at those points.
   */
  readonly combination: readonly CombinationPoint[]
  /** The dual value at `lambda`: a lower bound on the component's cost. */
  readonly bound: number
  /** Upper estimate of the dual's maximum from the cutting-plane model (Infinity if never certified). */
  readonly ceiling: number
  readonly evaluations: number
}

interface Evaluation {
  readonly at: Float64Array
  readonly value: number
  readonly partValue: Float64Array
  /** Supergradient per part, in scaled prices: `partSlope[g * pools + k]`. */
  readonly partSlope: Float64Array
}

export function maximizeDual(evaluator: LagrangianEvaluator, options: DualAscentOptions = {}): DualAscentResult {
  const { poolBlockMb, poolBlockPrice } = evaluator.component
  const pools = poolBlockMb.length
  const ceilingPrice = Float64Array.from(poolBlockMb, (blockMb, k) => poolBlockPrice[k]! / blockMb)
  const parts = evaluator.parts
  const tolerance = options.tolerance ?? DEFAULT_OPTIMIZER_OPTIONS.dualTolerance
  const maxEvaluations = options.maxEvaluations ?? DEFAULT_OPTIMIZER_OPTIONS.dualMaxEvaluations
  const toLambda = (mu: Float64Array) => Float64Array.from(mu, (value, k) => value * ceilingPrice[k]!)

  const evaluate = (mu: Float64Array): Evaluation => {
    const point = evaluator.evaluate(toLambda(mu))
    const partSlope = new Float64Array(point.partExcess.length)
    for (let i = 0; i < partSlope.length; i++) partSlope[i] = point.partExcess[i]! * ceilingPrice[i % pools]!
    return { at: mu, value: point.value, partValue: point.partValue, partSlope }
  }

  let center = evaluate(
    options.start === undefined
      ? new Float64Array(pools).fill(0.5)
      : Float64Array.from(options.start, (lambda, k) => Math.min(1, Math.max(0, lambda / ceilingPrice[k]!))),
  )
  let evaluations = 1
  if (pools === 0) {
    return { lambda: new Float64Array(0), combination: [{ lambda: new Float64Array(0), weights: new Float64Array(parts).fill(1) }], bound: center.value, ceiling: center.value, evaluations }
  }

  // Each part's values are measured from its first one, so the master's numbers stay small.
  const base = center.partValue.slice()
  const evaluationsKept: Evaluation[] = []
  let radius = options.radius ?? DEFAULT_OPTIMIZER_OPTIONS.dualRadius
  let box = boxAround(center.at, radius)
  const master = new CuttingPlaneMaster(parts, pools, box.lower, box.upper)
  const addCuts = (evaluation: Evaluation) => {
    const handle = evaluationsKept.length
    evaluationsKept.push(evaluation)
    for (let g = 0; g < parts; g++) {
      const slope = evaluation.partSlope.subarray(g * pools, (g + 1) * pools)
      let offset = evaluation.partValue[g]! - base[g]!
      for (let k = 0; k < pools; k++) offset -= slope[k]! * evaluation.at[k]!
      master.addCut(g, offset, slope, handle * parts + g)
    }
  }
  addCuts(center)
  const baseTotal = base.reduce((sum, value) => sum + value, 0)
  const maxCuts = parts * (2 * pools + 20)
  let ceiling = Infinity
  while (evaluations < maxEvaluations) {
    box = boxAround(center.at, radius)
    master.setBox(box.lower, box.upper)
    const solution = master.solve()
    if (solution === undefined) break
    const predicted = solution.theta - (center.value - baseTotal)
    if (predicted <= tolerance * (Math.abs(center.value) + 1)) {
      if (!touchesBox(solution.mu, box, radius)) {
        ceiling = center.value + Math.max(0, predicted)
        break
      }
      radius = Math.min(1, radius * 2)
      continue
    }
    const trial = evaluate(clampUnit(solution.mu))
    evaluations++
    addCuts(trial)
    const ratio = (trial.value - center.value) / predicted
    if (ratio >= 0.1) {
      // A good step that the box cut short: the box is what holds the ascent back.
      if (ratio >= 0.75 || touchesBox(solution.mu, box, radius)) radius = Math.min(1, radius * 2)
      center = trial
    } else {
      radius = Math.max(1e-9, radius * 0.5)
    }
    if (master.cutCount > maxCuts) dropFarthestCuts(master, evaluationsKept, center, solution.mu, pools, parts)
  }

  // The combination of the model's optimum over all prices, for the primal.
  master.setBox(new Float64Array(pools), new Float64Array(pools).fill(1))
  master.solve()
  const points = new Map<number, CombinationPoint>()
  for (const { handle, part, weight } of master.basicCutWeights()) {
    const index = Math.floor(handle / parts)
    let point = points.get(index)
    if (point === undefined) points.set(index, (point = { lambda: toLambda(evaluationsKept[index]!.at), weights: new Float64Array(parts) }))
    point.weights[part] = weight
  }
  return { lambda: toLambda(center.at), combination: [...points.values()], bound: center.value, ceiling, evaluations }
}

function boxAround(center: Float64Array, radius: number) {
  return {
    lower: Float64Array.from(center, (value) => Math.max(0, value - radius)),
    upper: Float64Array.from(center, (value) => Math.min(1, value + radius)),
  }
}

function clampUnit(mu: Float64Array): Float64Array {
  return Float64Array.from(mu, (value) => Math.min(1, Math.max(0, value)))
}

/** Whether the master's solution sits on a side of the box that is not also a side of `[0, 1]`. */
function touchesBox(at: Float64Array, box: { lower: Float64Array; upper: Float64Array }, radius: number): boolean {
  if (radius >= 1) return false
  for (let k = 0; k < at.length; k++) {
    if (box.lower[k]! > 0 && at[k]! <= box.lower[k]! + 1e-12) return true
    if (box.upper[k]! < 1 && at[k]! >= box.upper[k]! - 1e-12) return true
  }
  return false
}

/** Drops the quarter of the cuts lying farthest above the model at `at`, never the center's. */
function dropFarthestCuts(master: CuttingPlaneMaster, evaluations: readonly Evaluation[], center: Evaluation, at: Float64Array, pools: number, parts: number): void {
  const height = (handle: number) => {
    const evaluation = evaluations[Math.floor(handle / parts)]!
    const g = handle % parts
    let plane = evaluation.partValue[g]!
    for (let k = 0; k < pools; k++) plane += evaluation.partSlope[g * pools + k]! * (at[k]! - evaluation.at[k]!)
    return plane - center.partValue[g]!
  }
  const handles = master.cutHandles().filter((handle) => evaluations[Math.floor(handle / parts)] !== center)
  const ranked = handles.map((handle) => ({ handle, height: height(handle) })).sort((a, b) => b.height - a.height)
  const drop = new Set(ranked.slice(0, Math.max(1, Math.floor(handles.length / 4))).map((entry) => entry.handle))
  master.removeCuts((handle) => drop.has(handle))
}
