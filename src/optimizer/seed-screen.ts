/**
 * Screening of the old method's candidates (seed-strategy.ts), so that only those that can still be the
 * cheapest are filled and priced SIM by SIM.
 *
 * A fill walks one order of SIMs and only ever moves on to the next plan of its ordering; along an order
 * sorted by usage the test that moves it on is monotone (or, for a pooled plan that already holds SIMs of
 * an earlier segment, unimodal), so each plan's run of SIMs is found by binary search over prefix sums,
 * and the run's charges are differences of prefix sums. Both directions of a layout share its prefix sums
 * (a descending order is the ascending one reversed, segment by segment).
 *
 * The result is a lower bound on each candidate's price as priceGroup computes it: prefix sums are
 * compensated (error a few ulps of the run's own sum, where priceGroup's running sums err by up to n ulps
 * of the total), and every figure is lowered by a relative margin above either error bound. A candidate
 * whose run ends where the fill's running average is within that margin of its limit gets no bound
 * (-Infinity): float rounding could end the fill's run elsewhere.
 */
import { overageCharge, unpooledOverageCharge, type Problem } from '../domain/index.js'

/**
 * Relative margin of a problem's figures: 8(n + 64) units of 2^-53, eight times the rounding error bound of
 * a running sum over all n SIMs, so that priceGroup's sums and ours both lie within it.
 */
function relativeMargin(problem: Problem): number {
  return 4 * (problem.sims.count + 64) * Number.EPSILON
}

/** A group's SIMs in one order, cut into segments the fill restarts in (one, or one per comm plan). */
export interface SimLayout {
  /** Positions in the group, ascending by usage within each segment. */
  readonly order: Int32Array
  readonly segmentStarts: readonly number[]
}

/** A candidate's SIM order: a layout walked ascending or descending within each segment. */
export interface ScreenedOrder {
  readonly layout: SimLayout
  readonly descending: boolean
}

export interface ScreenInput {
  readonly problem: Problem
  /** Per group position: usage MB, proration factor, SMS count. */
  readonly usage: Float64Array
  readonly factor: Float64Array
  readonly smsCount: Float64Array
  /** Pool totals of every SIM outside the group, and the pools the group's plans touch. */
  readonly othersUsage: Float64Array
  readonly othersAllowance: Float64Array
  readonly touchedPools: readonly number[]
  readonly breakEven: Float64Array
}

/**
 * Lower bounds of the price of every candidate `simOrders[o]` x `planOrders[p]`, at index
 * `o * planOrders.length + p`; -Infinity where no bound is certain.
 */
export function candidateLowerBounds(input: ScreenInput, simOrders: readonly ScreenedOrder[], planOrders: readonly (readonly number[])[]): Float64Array {
  const bounds = new Float64Array(simOrders.length * planOrders.length)
  const margin = relativeMargin(input.problem)
  const layouts = [...new Set(simOrders.map((simOrder) => simOrder.layout))]
  for (const layout of layouts) {
    const sums = layoutSums(input, layout)
    const candidates: Candidate[] = []
    for (const [o, simOrder] of simOrders.entries()) {
      if (simOrder.layout !== layout) continue
      for (const [p, planOrder] of planOrders.entries()) candidates.push(walk(input, sums, layout, simOrder.descending, planOrder, o * planOrders.length + p, margin))
    }
    addUnpooledOverage(input, sums, candidates)
    for (const candidate of candidates) bounds[candidate.index] = lowerBound(input, candidate, margin)
  }
  return bounds
}

/** Compensated prefix sums: hi + lo carries the rounding error of every addition. */
class PrefixSums {
  readonly hi: Float64Array
  readonly lo: Float64Array
  constructor(length: number) {
    this.hi = new Float64Array(length + 1)
    this.lo = new Float64Array(length + 1)
  }
  /** Sums of `value(t)` for t in [from, to): afterwards `sum` answers for ranges within them. */
  build(from: number, to: number, value: (t: number) => number): this {
    let hi = 0
    let lo = 0
    this.hi[from] = 0
    this.lo[from] = 0
    for (let t = from; t < to; t++) {
      const term = value(t)
      const sum = hi + term
      const back = sum - hi
      lo += hi - (sum - back) + (term - back)
      hi = sum
      this.hi[t + 1] = hi
      this.lo[t + 1] = lo
    }
    return this
  }
  /** Sum of positions [from, to). */
  sum(from: number, to: number): number {
    return this.hi[to]! - this.hi[from]! + (this.lo[to]! - this.lo[from]!)
  }
}

interface LayoutSums {
  /** Usage and proration factor by position in the layout. */
  readonly usage: Float64Array
  readonly factor: Float64Array
  readonly usagePrefix: PrefixSums
  readonly factorPrefix: PrefixSums
  readonly smsPrefix: PrefixSums
}

function layoutSums(input: ScreenInput, layout: SimLayout): LayoutSums {
  const n = layout.order.length
  const usage = new Float64Array(n)
  const factor = new Float64Array(n)
  const sms = new Float64Array(n)
  for (let t = 0; t < n; t++) {
    const j = layout.order[t]!
    usage[t] = input.usage[j]!
    factor[t] = input.factor[j]!
    sms[t] = input.smsCount[j]!
  }
  const prefixOf = (values: Float64Array) => new PrefixSums(n).build(0, n, (t) => values[t]!)
  return { usage, factor, usagePrefix: prefixOf(usage), factorPrefix: prefixOf(factor), smsPrefix: prefixOf(sms) }
}

interface Candidate {
  readonly index: number
  /** Monthly and SMS charges of all runs, and unpooled overage once added. */
  cost: number
  /** Pool totals of the candidate with the others', by pool index. */
  readonly poolUsage: Float64Array
  readonly poolAllowance: Float64Array
  /** Runs on unpooled plans, as [plan, from, to) triples in layout positions, for their overage. */
  readonly unpooledRuns: number[]
  uncertain: boolean
}

/** Follows the fill of `planOrder` along the layout, run by run, as seed-strategy's `fill` does SIM by SIM. */
function walk(input: ScreenInput, sums: LayoutSums, layout: SimLayout, descending: boolean, planOrder: readonly number[], index: number, margin: number): Candidate {
  const { plans, poolOfPlan } = input.problem
  const candidate: Candidate = {
    index,
    cost: 0,
    poolUsage: input.othersUsage.slice(),
    poolAllowance: input.othersAllowance.slice(),
    unpooledRuns: [],
    uncertain: false,
  }
  const last = planOrder.length - 1
  const carrySum = new Float64Array(planOrder.length)
  const carryCount = new Float64Array(planOrder.length)
  const { segmentStarts } = layout
  for (let segment = 0; segment < segmentStarts.length; segment++) {
    const start = segmentStarts[segment]!
    const end = segment + 1 < segmentStarts.length ? segmentStarts[segment + 1]! : layout.order.length
    const run = new RunFinder(sums, start, end, descending, margin)
    let visited = 0
    for (let k = 0; visited < run.length; k++) {
      const plan = planOrder[k]!
      const pooled = plans[plan]!.pooled
      const stop = k === last ? run.length : run.end(visited, pooled, input.breakEven[plan]!, carrySum[k]!, carryCount[k]!)
      if (run.uncertain) candidate.uncertain = true
      if (stop === visited) continue
      const [from, to] = run.positions(visited, stop)
      const usage = sums.usagePrefix.sum(from, to)
      const factor = sums.factorPrefix.sum(from, to)
      carrySum[k]! += usage
      carryCount[k]! += to - from
      candidate.cost += plans[plan]!.monthlyRate * factor + plans[plan]!.smsRate * sums.smsPrefix.sum(from, to)
      const pool = poolOfPlan[plan]!
      if (pool < 0) candidate.unpooledRuns.push(plan, from, to)
      else {
        candidate.poolUsage[pool]! += usage
        candidate.poolAllowance[pool]! += plans[plan]!.includedMb * factor
      }
      visited = stop
    }
  }
  return candidate
}

/** Where a plan's run ends within one segment, walked in either direction ("visits" count from its first SIM). */
class RunFinder {
  readonly length: number
  /** Set when the last `end` decided a test within the margin of its limit. */
  uncertain = false
  constructor(
    private readonly sums: LayoutSums,
    private readonly start: number,
    private readonly stop: number,
    private readonly descending: boolean,
    private readonly margin: number,
  ) {
    this.length = stop - start
  }

  /** Layout positions [from, to) of the visits [first, last). */
  positions(first: number, last: number): [number, number] {
    return this.descending ? [this.stop - last, this.stop - first] : [this.start + first, this.start + last]
  }

  private usageAt(visit: number): number {
    return this.sums.usage[this.descending ? this.stop - 1 - visit : this.start + visit]!
  }

  /**
   * The first visit at or after `first` where the fill moves on from a plan with break-even usage `limit`
   * that holds `carrySum` MB over `carryCount` SIMs from earlier segments, or `length`.
   */
  end(first: number, pooled: boolean, limit: number, carrySum: number, carryCount: number): number {
    this.uncertain = false
    const n = this.length
    if (!pooled) {
      // The fill's own test on the same numbers: monotone along the order, exact.
      if (!(this.usageAt(first) <= limit)) return first
      if (this.descending) return n
      return firstFrom(first + 1, n, (visit) => !(this.usageAt(visit) <= limit))
    }
    const average = (visit: number) =>
      visit === first
        ? (carrySum + this.usageAt(first)) / (carryCount + 1)
        : (carrySum + this.sums.usagePrefix.sum(...this.positions(first, visit + 1))) / (carryCount + visit + 1 - first)
    const fails = (visit: number) => {
      const value = average(visit)
      // Exactly the fill's figure when it is one SIM's usage; else the sums may differ in the last bits
      // (nothing to fear when every SIM summed used nothing: 0 however summed).
      const exact = (visit === first && carryCount === 0) || value === 0
      if (!exact && Number.isFinite(limit) && Math.abs(value - limit) <= this.margin * (value + Math.abs(limit))) this.uncertain = true
      return !(value <= limit)
    }
    if (fails(first)) return first
    if (!this.descending) {
      // Ascending, the running average falls while the SIMs added are below it, then rises: once above
      // the limit it stays above.
      const stop = firstFrom(first + 1, n, (visit) => !(average(visit) <= limit))
      if (stop > first + 1) fails(stop - 1)
      if (stop < n) fails(stop)
      return stop
    }
    // Descending, it rises while the SIMs added are above it (only with SIMs carried from an earlier
    // segment), then falls: if it ever exceeds the limit, it first does while rising.
    const falling = firstFrom(first + 1, n, (visit) => !(this.usageAt(visit) > average(visit - 1)))
    const peak = falling - 1
    if (!fails(peak)) return n
    const stop = firstFrom(first + 1, peak + 1, (visit) => !(average(visit) <= limit))
    fails(stop - 1)
    fails(stop)
    return stop
  }
}

/** The first index in [from, to) where `test` holds, for a test that holds from some index on; `to` if none. */
function firstFrom(from: number, to: number, test: (index: number) => boolean): number {
  let low = from
  let high = to
  while (low < high) {
    const middle = (low + high) >>> 1
    if (test(middle)) high = middle
    else low = middle + 1
  }
  return low
}

/** One plan at a time, so that only one more prefix array is held: the overage of the unpooled runs. */
function addUnpooledOverage(input: ScreenInput, sums: LayoutSums, candidates: readonly Candidate[]): void {
  const { plans } = input.problem
  const runsOfPlan = new Map<number, { candidate: Candidate; from: number; to: number }[]>()
  for (const candidate of candidates) {
    const runs = candidate.unpooledRuns
    for (let r = 0; r < runs.length; r += 3) {
      const plan = runs[r]!
      let list = runsOfPlan.get(plan)
      if (list === undefined) runsOfPlan.set(plan, (list = []))
      list.push({ candidate, from: runs[r + 1]!, to: runs[r + 2]! })
    }
  }
  const prefix = new PrefixSums(sums.usage.length)
  for (const [plan, runs] of runsOfPlan) {
    const terms = plans[plan]!
    let from = Infinity
    let to = -Infinity
    for (const run of runs) {
      from = Math.min(from, run.from)
      to = Math.max(to, run.to)
    }
    prefix.build(from, to, (t) => unpooledOverageCharge(terms, sums.usage[t]!, sums.factor[t]!))
    for (const run of runs) run.candidate.cost += prefix.sum(run.from, run.to)
  }
}

function lowerBound(input: ScreenInput, candidate: Candidate, margin: number): number {
  if (candidate.uncertain) return -Infinity
  let pools = 0
  for (const pool of input.touchedPools) {
    const usage = candidate.poolUsage[pool]!
    const allowance = candidate.poolAllowance[pool]!
    const terms = input.problem.pools[pool]!
    pools += overageCharge(usage - allowance - margin * (usage + allowance), terms.overageBlockMb, terms.overageBlockPrice)
  }
  return (candidate.cost + pools) * (1 - margin)
}
