/**
 * Maximises the Lagrangian dual of a component by cutting planes in a moving box (a box-step bundle
 * method). Each evaluation gives the dual's value and a supergradient, so the dual lies below the plane
 * through them; the master LP maximises the lowest plane over a box around the best point found, the next
 * evaluation happens where it lands. A plain subgradient method stalls percents below the optimum on
 * these problems; the planes converge to it.
 *
 * The prices are scaled to `[0, 1]` (a pool's price over its `O/D`) so every direction weighs the same.
 */
import { CuttingPlaneMaster } from './cutting-plane-master.js'
import type { LagrangianEvaluator } from './lagrangian.js'

export interface DualAscentOptions {
  /** Stop when the model promises less than this share of the bound more (default 1e-7). */
  readonly tolerance?: number
  readonly maxEvaluations?: number
  /** Starting prices, MB⁻¹ (a warm start); default half of each pool's `O/D`. */
  readonly start?: Float64Array
}

export interface DualAscentResult {
  /** Best prices found, MB⁻¹. */
  readonly lambda: Float64Array
  /**
   * The prices of the cuts the final model rests on, with convex weights: the LP's primal solution is
   * (nearly) the same combination of the assignments that minimise the dual at those prices.
   */
  readonly combination: readonly { readonly lambda: Float64Array; readonly weight: number }[]
  /** The dual value at `lambda`: a lower bound on the component's cost. */
  readonly bound: number
  /** Upper estimate of the dual's maximum from the cutting-plane model (Infinity if never certified). */
  readonly ceiling: number
  readonly evaluations: number
}

interface Cut {
  readonly at: Float64Array
  readonly value: number
  /** Supergradient in scaled prices. */
  readonly slope: Float64Array
}

export function maximizeDual(evaluator: LagrangianEvaluator, options: DualAscentOptions = {}): DualAscentResult {
  const { poolBlockMb, poolBlockPrice } = evaluator.component
  const pools = poolBlockMb.length
  const ceilingPrice = Float64Array.from(poolBlockMb, (blockMb, k) => poolBlockPrice[k]! / blockMb)
  const tolerance = options.tolerance ?? 1e-7
  const maxEvaluations = options.maxEvaluations ?? 500
  const toLambda = (mu: Float64Array) => Float64Array.from(mu, (value, k) => value * ceilingPrice[k]!)

  const evaluate = (mu: Float64Array): Cut => {
    const point = evaluator.evaluate(toLambda(mu))
    return { at: mu, value: point.value, slope: Float64Array.from(point.excess, (excess, k) => excess * ceilingPrice[k]!) }
  }

  let center = evaluate(
    options.start === undefined
      ? new Float64Array(pools).fill(0.5)
      : Float64Array.from(options.start, (lambda, k) => Math.min(1, Math.max(0, lambda / ceilingPrice[k]!))),
  )
  let evaluations = 1
  if (pools === 0) {
    return { lambda: new Float64Array(0), combination: [{ lambda: new Float64Array(0), weight: 1 }], bound: center.value, ceiling: center.value, evaluations }
  }

  // Values are measured from the first one, so the master's numbers stay small.
  const base = center.value
  const cuts: Cut[] = []
  let radius = 0.25
  let box = boxAround(center.at, radius)
  const master = new CuttingPlaneMaster(pools, box.lower, box.upper)
  const addCut = (cut: Cut) => {
    let offset = cut.value - base
    for (let k = 0; k < pools; k++) offset -= cut.slope[k]! * cut.at[k]!
    master.addCut(offset, cut.slope, cuts.length)
    cuts.push(cut)
  }
  addCut(center)
  const maxCuts = 8 * pools + 60
  let ceiling = Infinity
  while (evaluations < maxEvaluations) {
    box = boxAround(center.at, radius)
    master.setBox(box.lower, box.upper)
    const solution = master.solve()
    if (solution === undefined) break
    const predicted = solution.theta - (center.value - base)
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
    addCut(trial)
    const ratio = (trial.value - center.value) / predicted
    if (ratio >= 0.1) {
      // A good step that the box cut short: the box is what holds the ascent back.
      if (ratio >= 0.75 || touchesBox(solution.mu, box, radius)) radius = Math.min(1, radius * 2)
      center = trial
    } else {
      radius = Math.max(1e-9, radius * 0.5)
    }
    if (master.cutCount > maxCuts) dropFarthestCuts(master, cuts, center, solution.mu, maxCuts)
  }
  master.setBox(new Float64Array(pools), new Float64Array(pools).fill(1))
  master.solve()
  const combination = master.basicCutWeights().map(({ handle, weight }) => ({ lambda: toLambda(cuts[handle]!.at), weight }))
  return { lambda: toLambda(center.at), combination, bound: center.value, ceiling, evaluations }
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
function dropFarthestCuts(master: CuttingPlaneMaster, cuts: readonly Cut[], center: Cut, at: Float64Array, maxCuts: number): void {
  const height = (cut: Cut) => {
    let plane = cut.value
    for (let k = 0; k < at.length; k++) plane += cut.slope[k]! * (at[k]! - cut.at[k]!)
    return plane
  }
  const ranked = master
    .cutHandles().filter((handle) => cuts[handle] !== center).sort((a, b) => height(cuts[b]!) - height(cuts[a]!))
  const drop = new Set(ranked.slice(0, Math.max(1, Math.floor(maxCuts / 4))))
  master.removeCuts((handle) => drop.has(handle))
}
