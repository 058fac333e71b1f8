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
import { DEFAULT_OPTIMIZER_OPTIONS } from './options.js'
import { ORIGIN, extendFront } from './pareto-front.js'

export interface PoolKnapsackOptions {
  /** SIMs considered, the most promising first (default `OptimizerOptions.knapsackItems`). */
  readonly maxItems?: number
  /** Points kept on the front (default `OptimizerOptions.knapsackPoints`). */
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
  const items = coreItems(search, k, options.maxItems ?? DEFAULT_OPTIMIZER_OPTIONS.knapsackItems, price, options.priced ?? false)
  if (items.length === 0) return 0

  const maxPoints = options.maxPoints ?? DEFAULT_OPTIMIZER_OPTIONS.knapsackPoints
  let front = ORIGIN
  const parents: Int32Array[] = []
  const picks: Int16Array[] = []
  for (const item of items) {
    search.spend(front.mb.length * (item.options.length + 1))
    const step = extendFront(front, item.options, maxPoints, 'thin')!
    front = step.front
    parents.push(step.parent)
    picks.push(step.pick)
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
    items.push({ item: { s, options: front }, promise })
    if (items.length >= 2 * maxItems) keepBest()
  })
  if (items.length > maxItems) keepBest()
  return items.map(({ item }) => item)
}
