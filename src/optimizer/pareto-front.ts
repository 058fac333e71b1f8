/**
 * Pareto fronts of (excess MB, cost) over combinations of choices, one SIM at a time: the search behind the
 * pool knapsack (`pool-knapsack.ts`) and the lumpy-pool bound (`strengthen-bound.ts`). A point survives when
 * no other point has both less (or equal) excess and less cost.
 */

/** One way a SIM can change a pool's excess and the rest of the bill (relative to staying put). */
export interface FrontMove {
  readonly mb: number
  readonly cost: number
}

export interface Front {
  /** Excess of each point, ascending. */
  readonly mb: Float64Array
  /** Cost of each point, strictly descending. */
  readonly cost: Float64Array
}

export interface FrontStep {
  readonly front: Front
  /** For each point: the point of the previous front it extends, and the move it took (-1: stayed). */
  readonly parent: Int32Array
  readonly pick: Int16Array
}

export const ORIGIN: Front = { mb: Float64Array.of(0), cost: Float64Array.of(0) }

/**
 * Whether a point can still lead anywhere worth having (its excess and cost so far): points it rejects are
 * dropped before the front is measured against its cap, so a front that prunes well stays exact.
 */
export type FrontFilter = (mb: number, cost: number) => boolean

/**
 * The front after one more SIM, which either stays or takes one of `moves`. Each move shifts the whole
 * front, which stays sorted, so the copies are merged in one at a time, dropping beaten points as they go,
 * then the points `keep` rejects. Past `maxPoints` the front is thinned to the cheapest point of each of
 * `maxPoints` slices of excess (`overflow: 'thin'`, for a heuristic search), or the search gives up
 * (`'fail'`, when exactness matters).
 */
export function extendFront(
  front: Front,
  moves: readonly FrontMove[],
  maxPoints: number,
  overflow: 'thin' | 'fail',
  keep?: FrontFilter,
): FrontStep | undefined {
  const n = front.mb.length
  const identity = new Int32Array(n)
  for (let i = 0; i < n; i++) identity[i] = i
  let step: FrontStep = { front, parent: identity, pick: new Int16Array(n).fill(-1) }
  for (const [index, move] of moves.entries()) step = mergeShifted(step, front, move, index)
  if (keep !== undefined) step = filtered(step, front, keep)
  if (step.front.mb.length <= maxPoints) return step
  if (overflow === 'fail') return undefined
  const kept = thin(step.front.mb, maxPoints)
  const mb = new Float64Array(kept.length)
  const cost = new Float64Array(kept.length)
  const parent = new Int32Array(kept.length)
  const pick = new Int16Array(kept.length)
  for (let i = 0; i < kept.length; i++) {
    const point = kept[i]!
    mb[i] = step.front.mb[point]!
    cost[i] = step.front.cost[point]!
    parent[i] = step.parent[point]!
    pick[i] = step.pick[point]!
  }
  return { front: { mb, cost }, parent, pick }
}

/**
 * The step with only the points `keep` accepts, compacted in place: the step's arrays are its own (fresh
 * from the merge), except with no moves, when they are the previous front's and are copied first.
 */
function filtered(step: FrontStep, previous: Front, keep: FrontFilter): FrontStep {
  const shared = step.front.mb === previous.mb
  const mb = shared ? step.front.mb.slice() : step.front.mb
  const cost = shared ? step.front.cost.slice() : step.front.cost
  const { parent, pick } = step
  let out = 0
  for (let i = 0; i < mb.length; i++) {
    if (!keep(mb[i]!, cost[i]!)) continue
    mb[out] = mb[i]!
    cost[out] = cost[i]!
    parent[out] = parent[i]!
    pick[out] = pick[i]!
    out++
  }
  if (out === mb.length && !shared) return step
  return { front: { mb: mb.subarray(0, out), cost: cost.subarray(0, out) }, parent: parent.subarray(0, out), pick: pick.subarray(0, out) }
}

/** Merges `front` shifted by `move` into `step`, keeping only the points nothing beats. */
function mergeShifted(step: FrontStep, front: Front, move: FrontMove, pick: number): FrontStep {
  const a = step.front.mb.length
  const b = front.mb.length
  const mb = new Float64Array(a + b)
  const cost = new Float64Array(a + b)
  const parent = new Int32Array(a + b)
  const picks = new Int16Array(a + b)
  let i = 0
  let j = 0
  let out = 0
  let cheapest = Infinity
  while (i < a || j < b) {
    const fromStep = j >= b || (i < a && step.front.mb[i]! <= front.mb[j]! + move.mb)
    const pointMb = fromStep ? step.front.mb[i]! : front.mb[j]! + move.mb
    const pointCost = fromStep ? step.front.cost[i]! : front.cost[j]! + move.cost
    if (pointCost < cheapest - 1e-12) {
      if (out > 0 && mb[out - 1] === pointMb) out-- // same excess, now cheaper
      mb[out] = pointMb
      cost[out] = pointCost
      parent[out] = fromStep ? step.parent[i]! : j
      picks[out] = fromStep ? step.pick[i]! : pick
      out++
      cheapest = pointCost
    }
    if (fromStep) i++
    else j++
  }
  return { front: { mb: mb.subarray(0, out), cost: cost.subarray(0, out) }, parent: parent.subarray(0, out), pick: picks.subarray(0, out) }
}

/** Indexes of the cheapest point of each of `maxPoints` equal slices of the excess range (the last, as cost falls). */
function thin(mb: Float64Array, maxPoints: number): number[] {
  const low = mb[0]!
  const span = mb[mb.length - 1]! - low || 1
  const thinned: number[] = []
  let lastSlice = -1
  for (let i = 0; i < mb.length; i++) {
    const slice = Math.min(maxPoints - 1, Math.floor(((mb[i]! - low) / span) * maxPoints))
    if (slice === lastSlice) thinned[thinned.length - 1] = i
    else thinned.push(i)
    lastSlice = slice
  }
  return thinned
}
