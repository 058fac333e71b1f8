/**
 * Exact search over combinations of moves in one pool. Which SIMs a pool should hold is a knapsack: each
 * SIM that may join, leave or change plan inside the pool moves the pool's excess by some MB and the rest
 * of the bill by some money, and the pool's charge is a staircase in the total excess. The best
 * combination is often several SIMs at once (a heavy user joins, five medium users bring the allowance it
 * needs), which no single move finds.
 *
 * The search keeps, SIM by SIM, the Pareto front of (excess change, cost change) over the choices made so
 * far: no combination on it is beaten on both. At the end every point is priced with the pool's charge and
 * the best one is rebuilt. The SIMs considered are the most promising at the pool's dual price (all of
 * them in small pools), and the front is capped: past the cap it keeps the cheapest point of each slice
 * of excess, so the search stays fast on big pools and is exact on the small ones.
 */
import { overageCharge } from '../domain/index.js'
import type { LocalSearch, PoolMove } from './local-search.js'

export interface PoolKnapsackOptions {
  /** SIMs considered, the most promising first (default 200). */
  readonly maxItems?: number
  /** Points kept on the front (default 4,000). */
  readonly maxPoints?: number
  /** The pool's dual price per MB, to rank SIMs when there are too many (default: half of O/D). */
  readonly price?: number
  /**
   * Charge the other pools a move touches at their dual prices rather than exactly, and apply the best
   * combination at those prices without checking the bill (the caller checks after rebuilding them too).
   */
  readonly priced?: boolean
}

interface Item {
  readonly s: number
  readonly options: readonly PoolMove[]
}

/** Returns the number of SIMs moved (0 when no combination lowers the objective). */
export function improvePoolExactly(search: LocalSearch, k: number, options: PoolKnapsackOptions = {}): number {
  const { component, ledger } = search
  const blockMb = component.poolBlockMb[k]!
  const blockPrice = component.poolBlockPrice[k]!
  const price = options.price ?? blockPrice / blockMb / 2
  const items = coreItems(search, k, options.maxItems ?? 200, price, options.priced ?? false)
  if (items.length === 0) return 0

  const maxPoints = options.maxPoints ?? 4000
  let front: Front = { mb: Float64Array.of(0), cost: Float64Array.of(0) }
  const parents: Int32Array[] = []
  const picks: Int8Array[] = []
  for (const item of items) {
    search.spend(front.mb.length * (item.options.length + 1))
    const layer = extendFront(front, item.options, maxPoints)
    front = layer.front
    parents.push(layer.parent)
    picks.push(layer.pick)
  }

  const excess = ledger.poolUsage[k]! - ledger.poolAllowance[k]!
  const chargeNow = overageCharge(excess, blockMb, blockPrice)
  let best = -1
  let bestChange = -1e-9
  for (let point = 0; point < front.mb.length; point++) {
    const change = front.cost[point]! + overageCharge(excess + front.mb[point]!, blockMb, blockPrice) - chargeNow
    if (change < bestChange) {
      bestChange = change
      best = point
    }
  }
  if (best < 0) return 0
  const moves: [number, number][] = []
  for (let layer = items.length - 1, point = best; layer >= 0; layer--) {
    const pick = picks[layer]![point]!
    if (pick >= 0) moves.push([items[layer]!.s, items[layer]!.options[pick]!.q])
    point = parents[layer]![point]!
  }
  if (options.priced) {
    for (const [s, q] of moves) search.move(s, q)
    return moves.length
  }
  return search.tryMoves(moves)
}

/**
 * The SIMs worth considering, each with its options not beaten by another of its own options (or by staying)
 * on both excess and cost; the `maxItems` most promising at `price` when there are more. SIMs are screened
 * as they stream by, so a pool of a million SIMs costs one pass and a few hundred small objects.
 */
function coreItems(search: LocalSearch, k: number, maxItems: number, price: number, priced: boolean): Item[] {
  let items: { item: Item; promise: number }[] = []
  let threshold = Infinity
  const keepBest = () => {
    items.sort((a, b) => a.promise - b.promise || a.item.s - b.item.s)
    items = items.slice(0, maxItems)
    threshold = items.at(-1)!.promise
  }
  search.scanPoolMoves(k, priced, (s, count, plans, mbs, costs) => {
    let promise = Infinity
    for (let i = 0; i < count; i++) if (costs[i]! < 0 || mbs[i]! < 0) promise = Math.min(promise, costs[i]! - price * mbs[i]!)
    if (!(promise < threshold)) return
    const useful: PoolMove[] = []
    for (let i = 0; i < count; i++) if (costs[i]! < 0 || mbs[i]! < 0) useful.push({ q: plans[i]!, mb: mbs[i]!, cost: costs[i]! })
    useful.sort((a, b) => a.mb - b.mb || a.cost - b.cost)
    const front: PoolMove[] = []
    for (const move of useful) if (front.length === 0 || move.cost < front.at(-1)!.cost) front.push(move)
    items.push({ item: { s, options: front.slice(0, 127) }, promise })
    if (items.length >= 2 * maxItems) keepBest()
  })
  if (items.length > maxItems) keepBest()
  return items.map(({ item }) => item)
}

interface Front {
  /** Excess change of each point, ascending. */
  readonly mb: Float64Array
  /** Cost change of each point, strictly descending. */
  readonly cost: Float64Array
}

/** A front with, for each point, where it came from in the previous front and which option made it. */
interface Layer {
  readonly mb: Float64Array
  readonly cost: Float64Array
  readonly parent: Int32Array
  readonly pick: Int8Array
}

/**
 * The front after one more SIM: every point either stays or takes one of the SIM's options. Each option
 * shifts the whole front, which stays sorted, so the copies are merged in one at a time, dropping beaten
 * points as they go.
 */
function extendFront(front: Front, options: readonly PoolMove[], maxPoints: number): { front: Front; parent: Int32Array; pick: Int8Array } {
  const n = front.mb.length
  const identity = new Int32Array(n)
  for (let i = 0; i < n; i++) identity[i] = i
  let layer: Layer = { mb: front.mb, cost: front.cost, parent: identity, pick: new Int8Array(n).fill(-1) }
  for (const [index, option] of options.entries()) layer = mergeShifted(layer, front, option, index)
  if (layer.mb.length <= maxPoints) return { front: { mb: layer.mb, cost: layer.cost }, parent: layer.parent, pick: layer.pick }
  const kept = thin(layer.mb, maxPoints)
  const mb = new Float64Array(kept.length)
  const cost = new Float64Array(kept.length)
  const parent = new Int32Array(kept.length)
  const pick = new Int8Array(kept.length)
  for (let i = 0; i < kept.length; i++) {
    const point = kept[i]!
    mb[i] = layer.mb[point]!
    cost[i] = layer.cost[point]!
    parent[i] = layer.parent[point]!
    pick[i] = layer.pick[point]!
  }
  return { front: { mb, cost }, parent, pick }
}

/** Merges `front` shifted by `option` into `layer`, keeping only points not beaten on both excess and cost. */
function mergeShifted(layer: Layer, front: Front, option: PoolMove, pick: number): Layer {
  const a = layer.mb.length
  const b = front.mb.length
  const mb = new Float64Array(a + b)
  const cost = new Float64Array(a + b)
  const parent = new Int32Array(a + b)
  const picks = new Int8Array(a + b)
  let i = 0
  let j = 0
  let out = 0
  let cheapest = Infinity
  while (i < a || j < b) {
    const fromLayer = j >= b || (i < a && layer.mb[i]! <= front.mb[j]! + option.mb)
    const pointMb = fromLayer ? layer.mb[i]! : front.mb[j]! + option.mb
    const pointCost = fromLayer ? layer.cost[i]! : front.cost[j]! + option.cost
    if (pointCost < cheapest - 1e-12) {
      if (out > 0 && mb[out - 1] === pointMb) out-- // same excess, now cheaper
      mb[out] = pointMb
      cost[out] = pointCost
      parent[out] = fromLayer ? layer.parent[i]! : j
      picks[out] = fromLayer ? layer.pick[i]! : pick
      out++
      cheapest = pointCost
    }
    if (fromLayer) i++
    else j++
  }
  return { mb: mb.subarray(0, out), cost: cost.subarray(0, out), parent: parent.subarray(0, out), pick: picks.subarray(0, out) }
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
