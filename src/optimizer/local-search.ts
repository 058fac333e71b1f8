/**
 * Improves an assignment with the exact cost model: block ceilings, pools with room to spare, every SIM.
 *
 * - Single moves: every SIM tries each allowed plan and takes the best that lowers the bill.
 * - Pool repair: a pool just over a block boundary pays for a whole block it barely uses, and no single
 *   move may save it (each moves a few MB of a 1 GB block). The repair looks at the whole pool: it ranks
 *   every move that lowers the pool's excess by its cost per MB, takes the cheapest run of them that
 *   frees one or more whole blocks, and keeps the batch if the bill went down.
 * - Pool searches (`pool-knapsack.ts`): the best combination of moves in one pool, for moves that pay
 *   only together; then the same with the other pools at their dual prices, kept only if the bill drops.
 *
 * With a change penalty (the minimum saving per change), a move away from a SIM's current plan must pay it.
 * Work is budgeted by count, never by time, so the same input always gives the same answer.
 */
import { overageBlocks } from '../domain/index.js'
import type { Component } from './component.js'
import { ComponentLedger, poolCharge, simAllowance, simCharge } from './component-costs.js'
import { DEFAULT_OPTIMIZER_OPTIONS, type OptimizerOptions } from './options.js'
import { improvePoolExactly } from './pool-knapsack.js'

/** What the search reads of the options (options.ts): the pool searches' widths, the budget, the rounds. */
export type SearchTuning = Pick<
  OptimizerOptions,
  | 'smallComponent'
  | 'smallKnapsackPoints'
  | 'knapsackItems'
  | 'knapsackPoints'
  | 'searchBudgetSmall'
  | 'searchBudgetSmallSims'
  | 'searchBudgetScale'
  | 'searchBudgetMin'
  | 'searchBudgetMax'
  | 'searchRounds'
  | 'pricedCycles'
  | 'searchStopGap'
>

export interface LocalSearchOptions {
  /** Cost of changing a SIM's plan, in money (0: changes are free). */
  readonly changePenalty?: number
  /** The dual prices per pool (per MB), which let a pool's search weigh its effect on the other pools. */
  readonly prices?: Float64Array
  /**
   * Moves (and pool-search points) priced before the search stops starting new passes (default: no limit
   * for small components, else `defaultBudget`): a million SIMs get a pass or two, where rounding leaves
   * little to gain.
   */
  readonly budget?: number
  /**
   * A proven lower bound on the objective: once the objective is within `searchStopGap` of it (or meets it, to
   * float noise), no new pass starts, as none could gain more than that.
   */
  readonly target?: number
  /** Default `DEFAULT_OPTIMIZER_OPTIONS`. */
  readonly tuning?: SearchTuning
}

/**
 * The search budget of a component with more than `smallComponent` SIMs to decide. A pool search scans
 * every SIM that may join the pool, so with tens of pools one round of them takes tens of millions: by
 * default 20 million up to 5,000 SIMs, then 60 million up to 10k SIMs, falling as 6e11 / SIMs to 10 million
 * from 60k SIMs up (options.ts says what was measured).
 */
export function defaultBudget(candidates: number, tuning: SearchTuning = DEFAULT_OPTIMIZER_OPTIONS): number {
  if (candidates <= tuning.searchBudgetSmallSims) return tuning.searchBudgetSmall
  return Math.min(tuning.searchBudgetMax, Math.max(tuning.searchBudgetMin, tuning.searchBudgetScale / candidates))
}

/** Improvements smaller than this (in money) are float noise, not worth a change: a float guard, not a tunable. */
export const IMPROVEMENT = 1e-9

export class LocalSearch {
  readonly ledger: ComponentLedger
  readonly #penalty: number
  readonly #prices: Float64Array | undefined
  /** SIMs with a choice to make: movable and allowed more than one plan. */
  readonly #candidates: Int32Array
  /** SIMs not on their current plan. */
  #changes = 0
  /** Moves made so far (undone ones included), to tell whether anything changed. */
  #moves = 0
  /** Moves priced so far, against the budget. */
  #priced = 0
  /** Scratch for one SIM's moves in `scanPoolMoves`. */
  readonly #scratchPlans: Int32Array
  readonly #scratchMb: Float64Array
  readonly #scratchCost: Float64Array
  readonly #budget: number
  readonly #target: number | undefined
  readonly #tuning: SearchTuning
  /**
   * How wide the pool searches look: in a small component every SIM and a wide front (exact in practice:
   * the optimum HiGHS proves), in a big one the most promising few hundred.
   */
  readonly #knapsack: { maxItems: number; maxPoints: number }

  constructor(
    readonly component: Component,
    choice: Int32Array,
    options: LocalSearchOptions = {},
  ) {
    this.ledger = new ComponentLedger(component, choice)
    this.#penalty = options.changePenalty ?? 0
    this.#prices = options.prices
    const tuning = (this.#tuning = options.tuning ?? DEFAULT_OPTIMIZER_OPTIONS)
    const widest = component.optionStart.reduce((most, start, set) => (set === 0 ? 0 : Math.max(most, start - component.optionStart[set - 1]!)), 0)
    this.#scratchPlans = new Int32Array(widest)
    this.#scratchMb = new Float64Array(widest)
    this.#scratchCost = new Float64Array(widest)
    const candidates: number[] = []
    for (let s = 0; s < choice.length; s++) {
      const set = component.optionSet[s]!
      if (!component.locked[s] && component.optionStart[set + 1]! - component.optionStart[set]! > 1) candidates.push(s)
    }
    this.#candidates = Int32Array.from(candidates)
    const small = candidates.length <= tuning.smallComponent
    this.#knapsack = small ? { maxItems: tuning.smallComponent, maxPoints: tuning.smallKnapsackPoints } : { maxItems: tuning.knapsackItems, maxPoints: tuning.knapsackPoints }
    this.#budget = options.budget ?? (small ? Infinity : defaultBudget(candidates.length, tuning))
    this.#target = options.target
    for (let s = 0; s < choice.length; s++) if (choice[s] !== component.current[s]) this.#changes++
  }

  get choice(): Int32Array {
    return this.ledger.choice
  }

  /** Whether the budget is spent: the search then starts no new pass, whatever is left to find. */
  get budgetSpent(): boolean {
    return !(this.#priced < this.#budget)
  }

  /** The objective searched: the bill plus the penalty of every change. */
  objective(): number {
    return this.ledger.total() + this.#changes * this.#penalty
  }

  move(s: number, q: number): void {
    const now = this.component.current[s]!
    this.#changes += (q !== now ? 1 : 0) - (this.ledger.choice[s] !== now ? 1 : 0)
    this.#moves++
    this.ledger.move(s, q)
  }

  /**
   * Puts back on its current plan every changed SIM whose change alone saves less than `saving` on the
   * bill, until every change that remains pays at least that much.
   */
  keepChangesSaving(saving: number): number {
    const { component, ledger } = this
    let reverted = 0
    for (let again = true; again; ) {
      again = false
      for (const s of this.#candidates) {
        const now = component.current[s]!
        if (ledger.choice[s] === now || ledger.moveDelta(s, now) >= saving) continue
        this.move(s, now)
        reverted++
        again = true
      }
    }
    ledger.recompute()
    return reverted
  }

  /**
   * Sweeps and repairs until they find nothing, then searches each pool's combinations exactly, again
   * while that finds something. Then, with dual prices, tries rebuilding each pool at those prices (its
   * effect on other pools priced, not exact) followed by the exact search, and keeps the result only
   * if the bill went down: moves that pay off only together across pools.
   */
  run(maxRounds = this.#tuning.searchRounds): void {
    this.#improveExactly(maxRounds)
    if (this.#prices === undefined) return
    for (let cycle = 0; cycle < this.#tuning.pricedCycles && this.#withinBudget(); cycle++) {
      const before = this.objective()
      const snapshot = this.ledger.choice.slice()
      let moved = 0
      for (let k = 0; k < this.component.poolIndex.length; k++) moved += improvePoolExactly(this, k, { ...this.#knapsack, price: this.#prices[k], priced: true })
      if (moved === 0) break
      this.ledger.recompute()
      this.#improveExactly(maxRounds)
      if (this.objective() < before - IMPROVEMENT) continue
      this.restore(snapshot)
      break
    }
  }

  #improveExactly(maxRounds: number): void {
    const pools = this.component.poolIndex.length
    // Moves made when each pool's search last found nothing: no need to search it again before others.
    const searchedAt = new Float64Array(pools).fill(-1)
    for (let round = 0; round < maxRounds && this.#withinBudget(); round++) {
      let moved = this.sweep() + this.repairPools()
      this.ledger.recompute()
      if (moved > 0) continue
      for (let k = 0; k < pools && this.#withinBudget(); k++) {
        if (searchedAt[k] === this.#moves) continue
        const found = improvePoolExactly(this, k, { ...this.#knapsack, price: this.#prices?.[k] })
        this.ledger.recompute()
        moved += found
        if (found === 0) searchedAt[k] = this.#moves
      }
      if (moved === 0) break
    }
  }

  #withinBudget(): boolean {
    return this.#priced < this.#budget && !this.reachedTarget()
  }

  /** Whether the objective is within `searchStopGap` of the target bound (or meets it, to float noise). */
  reachedTarget(): boolean {
    if (this.#target === undefined) return false
    const objective = this.objective()
    return objective - this.#target <= Math.max(this.#tuning.searchStopGap * Math.abs(objective), 1e-12 * Math.abs(objective) + IMPROVEMENT)
  }

  /** Counts work done outside the sweeps (points of a pool search) against the budget. */
  spend(units: number): void {
    this.#priced += units
  }

  /** Puts every SIM back on the plan `snapshot` gives it. */
  restore(snapshot: Int32Array): void {
    for (let s = 0; s < snapshot.length; s++) if (this.ledger.choice[s] !== snapshot[s]) this.move(s, snapshot[s]!)
    this.ledger.recompute()
  }

  /** Change in the objective if SIM `s` moved to plan `q`. */
  delta(s: number, q: number): number {
    return this.ledger.moveDelta(s, q) + this.#penaltyChange(s, q)
  }

  /** A move's cost with every pool but `k` charged at its dual price instead of its staircase. */
  #pricedDelta(s: number, q: number, k: number): number {
    const { component } = this
    const p = this.ledger.choice[s]!
    let cost = simCharge(component, s, q) - simCharge(component, s, p) + this.#penaltyChange(s, q)
    const from = component.poolOfPlan[p]!
    const to = component.poolOfPlan[q]!
    const usage = component.usageMb[s]!
    if (from >= 0 && from !== k) cost -= this.#prices![from]! * (usage - simAllowance(component, s, p))
    if (to >= 0 && to !== k) cost += this.#prices![to]! * (usage - simAllowance(component, s, q))
    return cost
  }

  #penaltyChange(s: number, q: number): number {
    if (this.#penalty === 0) return 0
    const now = this.component.current[s]!
    return ((q !== now ? 1 : 0) - (this.ledger.choice[s] !== now ? 1 : 0)) * this.#penalty
  }

  /**
   * One pass of best single moves over every SIM; returns how many moved. The same sums as
   * `ledger.moveDelta`, with what does not depend on the target plan worked out once per SIM: this is the
   * loop that runs over every SIM and plan.
   */
  sweep(): number {
    const { component, ledger } = this
    const { poolOfPlan, usageMb, current } = component
    const penalty = this.#penalty
    const chargeNow = Float64Array.from({ length: component.poolIndex.length }, (_, k) => ledger.poolCharge(k))
    let moved = 0
    for (const s of this.#candidates) {
      const set = component.optionSet[s]!
      const end = component.optionStart[set + 1]!
      this.#priced += end - component.optionStart[set]!
      const p = ledger.choice[s]!
      const from = poolOfPlan[p]!
      const usage = usageMb[s]!
      const stayCharge = simCharge(component, s, p) + (p === current[s] ? 0 : penalty)
      const leaving =
        from < 0 ? 0 : poolCharge(component, from, ledger.poolUsage[from]! - usage, ledger.poolAllowance[from]! - simAllowance(component, s, p)) - chargeNow[from]!
      let bestPlan = -1
      let bestDelta = -IMPROVEMENT
      for (let o = component.optionStart[set]!; o < end; o++) {
        const q = component.options[o]!
        if (q === p) continue
        let delta = simCharge(component, s, q) + (q === current[s] ? 0 : penalty) - stayCharge
        const to = poolOfPlan[q]!
        if (to >= 0 && to === from) {
          const allowance = ledger.poolAllowance[from]! - simAllowance(component, s, p) + simAllowance(component, s, q)
          delta += poolCharge(component, from, ledger.poolUsage[from]!, allowance) - chargeNow[from]!
        } else {
          delta += leaving
          if (to >= 0) delta += poolCharge(component, to, ledger.poolUsage[to]! + usage, ledger.poolAllowance[to]! + simAllowance(component, s, q)) - chargeNow[to]!
        }
        if (delta < bestDelta) {
          bestDelta = delta
          bestPlan = q
        }
      }
      if (bestPlan >= 0) {
        this.move(s, bestPlan)
        moved++
        const to = poolOfPlan[bestPlan]!
        if (from >= 0) chargeNow[from] = ledger.poolCharge(from)
        if (to >= 0) chargeNow[to] = ledger.poolCharge(to)
      }
    }
    return moved
  }

  /** Tries to free whole blocks in every pool that pays overage; returns how many SIMs moved. */
  repairPools(): number {
    let moved = 0
    for (let k = 0; k < this.component.poolIndex.length && this.#withinBudget(); k++) moved += this.repairPool(k)
    return moved
  }

  /**
   * Visits every SIM that is in pool `k` or may join it, with each other plan that changes the pool's
   * excess: that change (MB) and the move's effect on the objective apart from pool `k`'s own charge
   * (exact, or with the other pools at their dual prices when `priced`). The plans of one SIM come in one
   * call, in scratch arrays that are reused for the next SIM: nothing is allocated per SIM.
   */
  scanPoolMoves(k: number, priced: boolean, visit: (s: number, count: number, plans: Int32Array, mb: Float64Array, cost: Float64Array) => void): void {
    const { component, ledger } = this
    const usageNow = ledger.poolUsage[k]!
    const allowanceNow = ledger.poolAllowance[k]!
    const chargeNow = ledger.poolCharge(k)
    const plans = this.#scratchPlans
    const mbs = this.#scratchMb
    const costs = this.#scratchCost
    for (const s of this.#candidates) {
      const p = ledger.choice[s]!
      const set = component.optionSet[s]!
      this.#priced += component.optionStart[set + 1]! - component.optionStart[set]!
      const fromPool = component.poolOfPlan[p] === k
      let count = 0
      for (let o = component.optionStart[set]!; o < component.optionStart[set + 1]!; o++) {
        const q = component.options[o]!
        const toPool = component.poolOfPlan[q] === k
        if (q === p || (!fromPool && !toPool)) continue
        const usage = component.usageMb[s]!
        const inPoolUsage = usageNow - (fromPool ? usage : 0) + (toPool ? usage : 0)
        const inPoolAllowance = allowanceNow - (fromPool ? simAllowance(component, s, p) : 0) + (toPool ? simAllowance(component, s, q) : 0)
        plans[count] = q
        mbs[count] = inPoolUsage - inPoolAllowance - (usageNow - allowanceNow)
        costs[count] = priced ? this.#pricedDelta(s, q, k) : this.delta(s, q) - (poolCharge(component, k, inPoolUsage, inPoolAllowance) - chargeNow)
        count++
      }
      if (count > 0) visit(s, count, plans, mbs, costs)
    }
  }

  /**
   * Frees whole blocks of pool `k`: ranks, per SIM, the cheapest way per MB to lower the pool's excess,
   * and takes the cheapest run of them that frees one or more whole blocks, if the bill goes down.
   * Scales to any number of SIMs; {@link improvePoolExactly} searches combinations more thoroughly.
   */
  repairPool(k: number): number {
    const { component, ledger } = this
    const blockMb = component.poolBlockMb[k]!
    const excess = ledger.poolUsage[k]! - ledger.poolAllowance[k]!
    const blocks = overageBlocks(excess, blockMb)
    if (blocks === 0) return 0
    // Freeing the last block means bringing the excess down to the boundary below it.
    const toFirstBoundary = excess - (blocks - 1) * blockMb

    // Each SIM's cheapest way, per MB, to lower the excess; kept in plain number arrays (no object per SIM).
    const moverSim: number[] = []
    const moverPlan: number[] = []
    const moverMb: number[] = []
    const moverCost: number[] = []
    this.scanPoolMoves(k, false, (s, count, plans, mbs, costs) => {
      let best = -1
      for (let i = 0; i < count; i++) {
        if (mbs[i]! >= 0) continue
        if (best < 0 || costs[i]! * -mbs[best]! < costs[best]! * -mbs[i]!) best = i
      }
      if (best < 0) return
      moverSim.push(s)
      moverPlan.push(plans[best]!)
      moverMb.push(-mbs[best]!)
      moverCost.push(costs[best]!)
    })
    const order = Int32Array.from(moverSim.keys()).sort(
      (a, b) => moverCost[a]! * moverMb[b]! - moverCost[b]! * moverMb[a]! || moverSim[a]! - moverSim[b]!,
    )
    const movers = Array.from(order, (i) => ({ s: moverSim[i]!, q: moverPlan[i]!, mb: moverMb[i]!, cost: moverCost[i]! }))

    // The cheapest run of movers that frees whole blocks, counted in blocks saved less cost.
    const blockPrice = component.poolBlockPrice[k]!
    let freed = 0
    let spent = 0
    let bestGain = IMPROVEMENT
    let bestLength = 0
    let target = toFirstBoundary
    let saved = 1
    for (let m = 0; m < movers.length && saved <= blocks; m++) {
      freed += movers[m]!.mb
      spent += movers[m]!.cost
      while (saved <= blocks && freed >= target) {
        if (saved * blockPrice - spent > bestGain) {
          bestGain = saved * blockPrice - spent
          bestLength = m + 1
        }
        saved++
        target += blockMb
      }
    }
    if (bestLength === 0) return 0
    return this.tryMoves(movers.slice(0, bestLength).map(({ s, q }) => [s, q]))
  }

  /** Applies the moves; keeps them if the objective went down, else undoes them. Returns moves kept. */
  tryMoves(moves: readonly (readonly [s: number, q: number])[]): number {
    const before = this.objective()
    const undo: [number, number][] = []
    for (const [s, q] of moves) {
      undo.push([s, this.ledger.choice[s]!])
      this.move(s, q)
    }
    if (this.objective() < before - IMPROVEMENT) return moves.length
    for (const [s, p] of undo.reverse()) this.move(s, p)
    return 0
  }
}

export interface PoolMove {
  readonly q: number
  /** Change of the pool's usage minus allowance, MB. */
  readonly mb: number
  /** Change of the objective apart from the pool's own charge. */
  readonly cost: number
}

