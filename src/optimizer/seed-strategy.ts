/**
 * The old system's method, kept as a named baseline (`--strategy seed`) so every report can say how much
 * better the main optimizer does.
 *
 * For each comm group (communication plans allowing the same rate plans) it tries every plan ordering
 * among the plans sorted by included MB, their reverse and the rotations of both, with SIMs taken
 * {largest usage first, smallest usage first} x {all together, one communication plan at a time}. A fill
 * walks the ordering once: a SIM goes on the current plan while that plan's SIMs average no more than the
 * plan's break-even usage (where the next larger plan becomes cheaper), else the fill moves on; the last
 * plan takes the rest. Every candidate is priced with the cost model, together with the rest of the fleet,
 * and the cheapest is kept; the current assignment is always a candidate.
 *
 * Only candidates that can still be the cheapest are filled and priced SIM by SIM: seed-screen.ts bounds
 * every candidate's price from below at a fraction of the cost, and a candidate whose bound is above the
 * price of the best one found so far cannot win. The result is the same assignment as pricing them all
 * (`priceEveryCandidate`, which the tests compare with), only faster.
 */
import {
  allowanceMb,
  currentAssignment,
  monthlyCharge,
  priceAssignment,
  prorationFactor,
  unpooledOverageCharge,
  voiceSmsCharge,
  type PricedAssignment,
  type Problem,
  type RatePlan,
} from '../domain/index.js'
import { commGroups, type CommGroup } from './comm-groups.js'
import { poolLedger, poolsCharge, type PoolLedger } from './pool-ledger.js'
import { candidateLowerBounds, type ScreenedOrder } from './seed-screen.js'
import { exactUsageOrder } from './usage-order.js'

export interface SeedOptions {
  /** Fill and price every candidate, none screened out: the method as it was first written, for tests. */
  readonly priceEveryCandidate?: boolean
  /** Told the lower bound and the price of every candidate priced, for tests. */
  readonly onCandidatePriced?: (bound: number, price: number) => void
}

export function seedStrategy(problem: Problem, options: SeedOptions = {}): Int32Array {
  return pricedSeedStrategy(problem, priceAssignment(problem, currentAssignment(problem)), options).assignment
}

/** The old method's assignment priced; `before` is the current assignment priced, which the caller has. */
export function pricedSeedStrategy(problem: Problem, before: PricedAssignment, options: SeedOptions = {}): { assignment: Int32Array; priced: PricedAssignment } {
  const current = currentAssignment(problem)
  const assignment = current.slice()
  const ledger = poolLedger(problem, assignment)
  for (const group of commGroups(problem)) improveGroup(problem, group, assignment, ledger, options)
  // Each step kept the cheapest candidate, so this only guards against float noise in partial sums.
  const priced = priceAssignment(problem, assignment)
  return priced.total <= before.total ? { assignment, priced } : { assignment: current, priced: before }
}

function improveGroup(problem: Problem, group: CommGroup, assignment: Int32Array, ledger: PoolLedger, options: SeedOptions): void {
  const { plans, poolOfPlan, sims, billing } = problem
  const n = group.sims.length
  const usage = new Float64Array(n)
  const factor = new Float64Array(n)
  const smsCount = new Float64Array(n)
  const voice = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    const i = group.sims[j]!
    usage[j] = sims.usageMb[i]!
    factor[j] = prorationFactor(sims.daysActive[i]!, billing)
    smsCount[j] = sims.sms[i]!
    voice[j] = sims.voiceMinutes?.[i] ?? 0
  }

  const { othersUsage, othersAllowance } = ledgerWithout(problem, group, assignment, ledger)
  const touchedPools = [...new Set(group.plans.map((plan) => poolOfPlan[plan]!).filter((pool) => pool >= 0))]
  const candidateUsage = new Float64Array(othersUsage.length)
  const candidateAllowance = new Float64Array(othersAllowance.length)

  /** Cost of the group's SIMs on `target` plus the charges of the pools they touch. */
  const priceGroup = (target: Int32Array): number => {
    candidateUsage.set(othersUsage)
    candidateAllowance.set(othersAllowance)
    let cost = 0
    for (let j = 0; j < n; j++) {
      const planIndex = target[j]!
      const plan = plans[planIndex]!
      const pool = poolOfPlan[planIndex]!
      cost += monthlyCharge(plan, factor[j]!) + voiceSmsCharge(plan, smsCount[j]!, voice[j]!)
      if (pool < 0) cost += unpooledOverageCharge(plan, usage[j]!, factor[j]!)
      else {
        candidateUsage[pool]! += usage[j]!
        candidateAllowance[pool]! += allowanceMb(plan, factor[j]!)
      }
    }
    return cost + poolsCharge(problem, touchedPools, candidateUsage, candidateAllowance)
  }

  const best = new Int32Array(n)
  for (let j = 0; j < n; j++) best[j] = assignment[group.sims[j]!]!
  let bestCost = priceGroup(best)

  const sortedPlans = [...group.plans].sort(
    (a, b) => plans[a]!.includedMb - plans[b]!.includedMb || plans[a]!.monthlyRate - plans[b]!.monthlyRate || a - b,
  )
  const breakEven = breakEvenUsages(plans, sortedPlans)
  const orders = simOrders(problem, group, usage)
  const planOrders = planOrderings(sortedPlans)
  const bounds = candidateLowerBounds(
    { problem, usage, factor, smsCount, othersUsage, othersAllowance, touchedPools, breakEven },
    orders.map((order) => order.screened),
    planOrders,
  )
  const candidate = new Int32Array(n)
  const priceCandidate = (index: number) => {
    fill(plans, planOrders[index % planOrders.length]!, breakEven, orders[Math.floor(index / planOrders.length)]!, usage, candidate)
    return priceGroup(candidate)
  }
  // The most promising candidate first: its price rules out every candidate whose bound is above it.
  let promising = 0
  for (let index = 1; index < bounds.length; index++) if (bounds[index]! < bounds[promising]!) promising = index
  const cap = options.priceEveryCandidate === true ? Infinity : Math.min(bestCost, priceCandidate(promising))
  for (let index = 0; index < bounds.length; index++) {
    if (bounds[index]! > cap) continue
    const cost = priceCandidate(index)
    options.onCandidatePriced?.(bounds[index]!, cost)
    if (cost < bestCost) {
      bestCost = cost
      best.set(candidate)
    }
  }

  for (let j = 0; j < n; j++) assignment[group.sims[j]!] = best[j]!
  priceGroup(best)
  ledger.usage.set(candidateUsage)
  ledger.allowance.set(candidateAllowance)
}

/** Pool totals of everyone but the group's SIMs, summed afresh so no float error accumulates. */
function ledgerWithout(problem: Problem, group: CommGroup, assignment: Int32Array, ledger: PoolLedger) {
  const inGroup = new Uint8Array(problem.sims.count)
  for (const i of group.sims) inGroup[i] = 1
  const othersUsage = new Float64Array(ledger.usage.length)
  const othersAllowance = new Float64Array(ledger.allowance.length)
  for (let i = 0; i < problem.sims.count; i++) {
    if (inGroup[i]) continue
    const plan = assignment[i]!
    const pool = problem.poolOfPlan[plan]!
    if (pool < 0) continue
    othersUsage[pool]! += problem.sims.usageMb[i]!
    othersAllowance[pool]! += allowanceMb(problem.plans[plan]!, prorationFactor(problem.sims.daysActive[i]!, problem.billing))
  }
  return { othersUsage, othersAllowance }
}

interface SimOrder {
  /** Positions in the group, in the order the fill takes them. */
  readonly order: Int32Array
  /** Where each fill restarts from the first plan of the ordering (one segment, or one per comm plan). */
  readonly segmentStarts: readonly number[]
  /** The same order for seed-screen.ts: the ascending order walked up or down each segment. */
  readonly screened: ScreenedOrder
}

/** {smallest first, largest first} x {no grouping, grouped by communication plan}. */
function simOrders(problem: Problem, group: CommGroup, usage: Float64Array): SimOrder[] {
  const n = usage.length
  const ascending = exactUsageOrder(usage)
  const descending = ascending.slice().reverse()
  const byCommPlan = (order: Int32Array) => {
    const grouped = new Int32Array(n)
    const segmentStarts: number[] = []
    let next = 0
    for (const commPlan of group.commPlans) {
      segmentStarts.push(next)
      for (const j of order) if (problem.sims.commPlan[group.sims[j]!] === commPlan) grouped[next++] = j
    }
    return { order: grouped, segmentStarts }
  }
  // Descending within each segment is the ascending layout reversed segment by segment.
  const oneSegment = { order: ascending, segmentStarts: [0] }
  const orders: SimOrder[] = [
    { order: descending, segmentStarts: [0], screened: { layout: oneSegment, descending: true } },
    { ...oneSegment, screened: { layout: oneSegment, descending: false } },
  ]
  if (group.commPlans.length === 1) return orders
  const perCommPlan = byCommPlan(ascending)
  return [
    ...orders,
    { ...byCommPlan(descending), screened: { layout: perCommPlan, descending: true } },
    { ...perCommPlan, screened: { layout: perCommPlan, descending: false } },
  ]
}

/** The plans sorted by included MB, their reverse, and every rotation of both (duplicates dropped). */
function planOrderings(sortedPlans: readonly number[]): number[][] {
  const orderings = new Map<string, number[]>()
  for (const base of [sortedPlans, [...sortedPlans].reverse()]) {
    for (let shift = 0; shift < base.length; shift++) {
      const rotation = [...base.slice(shift), ...base.slice(0, shift)]
      orderings.set(rotation.join(','), rotation)
    }
  }
  return [...orderings.values()]
}

/**
 * For each plan, the usage above which the next larger plan (by included MB) is cheaper, with overage
 * taken per MB. The largest plan takes any usage.
 */
function breakEvenUsages(plans: readonly RatePlan[], sortedPlans: readonly number[]): Float64Array {
  const breakEven = new Float64Array(plans.length).fill(Infinity)
  for (let position = 0; position + 1 < sortedPlans.length; position++) {
    const small = plans[sortedPlans[position]!]!
    const large = plans[sortedPlans[position + 1]!]!
    const smallRate = small.overageBlockPrice / small.overageBlockMb
    const largeRate = large.overageBlockPrice / large.overageBlockMb
    let usage: number
    if (small.monthlyRate >= large.monthlyRate) usage = small.includedMb
    else {
      usage = small.includedMb + (large.monthlyRate - small.monthlyRate) / smallRate
      if (usage > large.includedMb) {
        usage =
          smallRate > largeRate
            ? (large.monthlyRate - small.monthlyRate + smallRate * small.includedMb - largeRate * large.includedMb) / (smallRate - largeRate)
            : Infinity
      }
    }
    breakEven[sortedPlans[position]!] = usage
  }
  return breakEven
}

function fill(
  plans: readonly RatePlan[],
  planOrder: readonly number[],
  breakEven: Float64Array,
  simOrder: SimOrder,
  usage: Float64Array,
  target: Int32Array,
): void {
  const last = planOrder.length - 1
  const sum = new Float64Array(planOrder.length)
  const count = new Float64Array(planOrder.length)
  const { order, segmentStarts } = simOrder
  for (let segment = 0; segment < segmentStarts.length; segment++) {
    const end = segment + 1 < segmentStarts.length ? segmentStarts[segment + 1]! : order.length
    let k = 0
    for (let t = segmentStarts[segment]!; t < end; t++) {
      const j = order[t]!
      const u = usage[j]!
      while (k < last) {
        const plan = planOrder[k]!
        const limit = breakEven[plan]!
        if (plans[plan]!.pooled ? (sum[k]! + u) / (count[k]! + 1) <= limit : u <= limit) break
        k++
      }
      target[j] = planOrder[k]!
      sum[k]! += u
      count[k]! += 1
    }
  }
}
