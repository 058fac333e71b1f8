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
import { MB_TOLERANCE, overageCharge } from '../domain/index.js'
import type { LocalSearch, PoolMove } from './local-search.js'
import { DEFAULT_OPTIMIZER_OPTIONS } from './options.js'
import { ORIGIN, extendFront, type FrontFilter } from './pareto-front.js'

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
  const excess = ledger.poolUsage[k]! - ledger.poolAllowance[k]!
  const chargeNow = overageCharge(excess, blockMb, blockPrice)
  const promising = promisingAfter(items, excess, chargeNow, [0, Math.min(Math.max(price, 0), blockPrice / blockMb), blockPrice / blockMb])
  let front = ORIGIN
  const parents: Int32Array[] = []
  const picks: Int16Array[] = []
  for (const [index, item] of items.entries()) {
    search.spend(front.mb.length * (item.options.length + 1))
    const step = extendFront(front, item.options, maxPoints, 'thin', promising(index))
    if (step === undefined || step.front.mb.length === 0) return 0
    front = step.front
    parents.push(step.parent)
    picks.push(step.pick)
  }

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
 * For the front after item `index`: whether a point (excess change `mb`, cost change `cost`) may still lead
 * to a combination that lowers the objective. The pool's staircase is at least `μ·excess` for any `μ`
 * between 0 and its block price per MB, so the change at the end is at least the point's cost, plus `μ`
 * times the pool's excess with the point's, plus each later SIM's best `cost + μ·mb` (or 0, staying), less
 * the charge now. When that is not below zero for one of the `prices` tried (0, the dual price, the block
 * price per MB), no later choice rescues the point. Dropping such points keeps the front on the
 * combinations that matter: on a pool of 1 GB blocks with 300 MB of room, the capped front otherwise
 * thinned away the few MB that decide a block.
 */
function promisingAfter(items: readonly Item[], excess: number, chargeNow: number, prices: readonly [0, number, number]): (index: number) => FrontFilter {
  // rest[m][i]: the best the SIMs after item i can add at prices[m].
  const rest = prices.map((mu) => {
    const suffix = new Float64Array(items.length + 1)
    for (let i = items.length - 1; i >= 0; i--) {
      let best = 0
      for (const option of items[i]!.options) best = Math.min(best, option.cost + mu * option.mb)
      suffix[i] = suffix[i + 1]! + best
    }
    return suffix
  })
  // For the points after item `index`, each price's terms that do not depend on the point, worked out once.
  return (index) => {
    const [low, middle, high] = prices.map((mu, m) => mu * (excess - MB_TOLERANCE) + rest[m]![index + 1]! - chargeNow) as [number, number, number]
    const [, middlePrice, highPrice] = prices as [number, number, number]
    return (mb, cost) => cost + low < 0 && cost + middlePrice * mb + middle < 0 && cost + highPrice * mb + high < 0
  }
}

/**
 * The SIMs worth considering, each with its options not beaten by another of its own options (or by staying)
 * on both excess and cost; when there are more than `maxItems`, the best of two rankings in turn, each SIM
 * once, by its best move at the pool's price `λ` (MB of excess `mb`, money apart from the pool's charge `cost`):
 * - filling, least `cost − λ·mb` first: moves that save money by taking room the pool has, or that free
 *   the most excess;
 * - near ties, least `cost + λ·mb` first (the reduced cost at that price): the SIMs the LP splits, whose
 *   trades settle a pool on a block boundary. On a 10k-SIM realistic fleet (1 GB blocks, 300 MB of room)
 *   filling alone left 0.019% above the bound, both in turn 0.004%.
 * SIMs are screened as they stream by, so a pool of a million SIMs costs one pass and a few hundred small
 * objects.
 */
function coreItems(search: LocalSearch, k: number, maxItems: number, price: number, priced: boolean): Item[] {
  const filling = new MostPromising(maxItems)
  const ties = new MostPromising(maxItems)
  search.scanPoolMoves(k, priced, (s, count, plans, mbs, costs) => {
    // Moves that neither save money nor free excess never pay: staying beats them on both.
    let fill = Infinity
    let tie = Infinity
    for (let i = 0; i < count; i++) {
      if (!(costs[i]! < 0 || mbs[i]! < 0)) continue
      fill = Math.min(fill, costs[i]! - price * mbs[i]!)
      tie = Math.min(tie, costs[i]! + price * mbs[i]!)
    }
    if (!filling.admits(fill) && !ties.admits(tie)) return
    const useful: PoolMove[] = []
    for (let i = 0; i < count; i++) if (costs[i]! < 0 || mbs[i]! < 0) useful.push({ q: plans[i]!, mb: mbs[i]!, cost: costs[i]! })
    useful.sort((a, b) => a.mb - b.mb || a.cost - b.cost)
    const front: PoolMove[] = []
    for (const move of useful) if (front.length === 0 || move.cost < front.at(-1)!.cost) front.push(move)
    const item = { s, options: front }
    filling.offer(item, fill)
    ties.offer(item, tie)
  })
  const byFilling = filling.best()
  const byTies = ties.best()
  const chosen: Item[] = []
  const taken = new Set<number>()
  for (let rank = 0; chosen.length < maxItems && (rank < byFilling.length || rank < byTies.length); rank++) {
    for (const item of [byFilling[rank], byTies[rank]]) {
      if (item === undefined || taken.has(item.s) || chosen.length === maxItems) continue
      taken.add(item.s)
      chosen.push(item)
    }
  }
  return chosen
}

/** The `size` items of least promise offered (ties in SIM order), kept in a list trimmed as it doubles. */
class MostPromising {
  #items: { item: Item; promise: number }[] = []
  #threshold = Infinity

  constructor(readonly size: number) {}

  admits(promise: number): boolean {
    return promise < this.#threshold
  }

  offer(item: Item, promise: number): void {
    if (!this.admits(promise)) return
    this.#items.push({ item, promise })
    if (this.#items.length >= 2 * this.size) this.#trim()
  }

  best(): Item[] {
    if (this.#items.length > this.size) this.#trim()
    else this.#items.sort((a, b) => a.promise - b.promise || a.item.s - b.item.s)
    return this.#items.map(({ item }) => item)
  }

  #trim(): void {
    this.#items.sort((a, b) => a.promise - b.promise || a.item.s - b.item.s)
    this.#items = this.#items.slice(0, this.size)
    this.#threshold = this.#items.at(-1)!.promise
  }
}
