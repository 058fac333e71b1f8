/**
 * The cost model: what the carrier bills for an assignment of SIMs to rate plans (DESIGN.md §2).
 * The optimizer, the reports and the tests all price through these functions; nothing else may
 * re-derive a charge.
 *
 * Units: data in MB, money in the account's currency, unrounded (round only when displaying).
 */
import type { BillingTerms, Problem } from './problem.js'
import { overageBlocks } from './overage-blocks.js'
import type { RatePlan, RatePool } from './rate-plan.js'
import { voiceSmsCharge } from './voice-sms-cost.js'

export { MB_TOLERANCE, overageBlocks } from './overage-blocks.js'

/**
 * Pool overage is attributed to SIMs in whole multiples of this amount of money, so that the
 * attributions of a pool add up to exactly its charge (counted in these units).
 */
export const MONEY_QUANTUM = 1e-6

/** Share of the monthly terms a SIM pays: `daysActive / periodDays` when the provider prorates, else 1. */
export function prorationFactor(daysActive: number, billing: BillingTerms): number {
  if (!billing.prorate) return 1
  return Math.min(daysActive, billing.periodDays) / billing.periodDays
}

/** Monthly charge of one SIM on `plan` (prorated by `factor`). */
export function monthlyCharge(plan: RatePlan, factor: number): number {
  return plan.monthlyRate * factor
}

/** Data included for one SIM on `plan`, MB (prorated by `factor`). */
export function allowanceMb(plan: RatePlan, factor: number): number {
  return plan.includedMb * factor
}

/** SMS charge of one SIM on `plan`. */
export function smsCharge(plan: RatePlan, sms: number): number {
  return plan.smsRate * sms
}

/** Overage charge for `excessMb` over the allowance, sold in blocks of `blockMb` at `blockPrice` each. */
export function overageCharge(excessMb: number, blockMb: number, blockPrice: number): number {
  return overageBlocks(excessMb, blockMb) * blockPrice
}

/** Overage charge of a SIM on a plan that does not pool. */
export function unpooledOverageCharge(plan: RatePlan, usageMb: number, factor: number): number {
  return overageCharge(usageMb - allowanceMb(plan, factor), plan.overageBlockMb, plan.overageBlockPrice)
}

/** Overage charge of a pool whose SIMs use `usageMb` in total against `allowanceMb` in total. */
export function poolOverageCharge(pool: RatePool, usageMb: number, allowanceMbTotal: number): number {
  return overageCharge(usageMb - allowanceMbTotal, pool.overageBlockMb, pool.overageBlockPrice)
}

/** One pool's figures in a priced assignment. */
export interface PoolBill {
  readonly sims: number
  readonly usageMb: number
  readonly allowanceMb: number
  readonly blocks: number
  readonly charge: number
}

/** An assignment priced by the cost model, with every SIM's cost split into its parts. */
export interface PricedAssignment {
  /** What the carrier bills: monthly + SMS + overage of every SIM and pool. */
  readonly total: number
  readonly totalMonthly: number
  readonly totalSms: number
  /** Overage of unpooled SIMs plus the charges of all pools. */
  readonly totalOverage: number
  /** Per SIM, in the rows of the problem's SIM table. */
  readonly monthly: Float64Array
  /** Voice and SMS charges (the SMS rate and any voice / SMS bundle overage: `voiceSmsCharge`). */
  readonly sms: Float64Array
  /** A pooled SIM's share of its pool's charge, in proportion to its usage above its own allowance. */
  readonly overage: Float64Array
  /** Per pool, in the order of `problem.pools`. */
  readonly pools: readonly PoolBill[]
}

/**
 * Prices `assignment` (the plan index of every SIM) as the carrier bills it.
 * The total sums the pools' charges, not the SIMs' rounded shares of them.
 */
export function priceAssignment(problem: Problem, assignment: Int32Array): PricedAssignment {
  const { plans, pools, poolOfPlan, billing } = problem
  const { count, usageMb, sms: smsCounts, daysActive, voiceMinutes } = problem.sims
  const monthly = new Float64Array(count)
  const sms = new Float64Array(count)
  const overage = new Float64Array(count)
  const poolUsage = new Float64Array(pools.length)
  const poolAllowance = new Float64Array(pools.length)
  const poolSims = new Int32Array(pools.length)
  // Sum of the pool's positive per-SIM excesses: the denominator of the attribution.
  const poolExcess = new Float64Array(pools.length)

  let totalMonthly = 0
  let totalSms = 0
  let totalOverage = 0
  for (let i = 0; i < count; i++) {
    const planIndex = assignment[i]!
    const plan = plans[planIndex]!
    const factor = prorationFactor(daysActive[i]!, billing)
    const usage = usageMb[i]!
    monthly[i] = monthlyCharge(plan, factor)
    sms[i] = voiceSmsCharge(plan, smsCounts[i]!, voiceMinutes?.[i] ?? 0)
    totalMonthly += monthly[i]!
    totalSms += sms[i]!
    const pool = poolOfPlan[planIndex]!
    if (pool < 0) {
      overage[i] = unpooledOverageCharge(plan, usage, factor)
      totalOverage += overage[i]!
    } else {
      const allowance = allowanceMb(plan, factor)
      poolUsage[pool]! += usage
      poolAllowance[pool]! += allowance
      poolSims[pool]! += 1
      if (usage > allowance) poolExcess[pool]! += usage - allowance
    }
  }

  const bills: PoolBill[] = []
  const chargeQuanta = new Float64Array(pools.length)
  for (const [k, pool] of pools.entries()) {
    const blocks = overageBlocks(poolUsage[k]! - poolAllowance[k]!, pool.overageBlockMb)
    const charge = blocks * pool.overageBlockPrice
    chargeQuanta[k] = Math.round(charge / MONEY_QUANTUM)
    totalOverage += charge
    bills.push({ sims: poolSims[k]!, usageMb: poolUsage[k]!, allowanceMb: poolAllowance[k]!, blocks, charge })
  }
  attributePoolCharges(problem, assignment, poolExcess, chargeQuanta, overage)

  return { total: totalMonthly + totalSms + totalOverage, totalMonthly, totalSms, totalOverage, monthly, sms, overage, pools: bills }
}

/**
 * Splits each pool's charge over its SIMs in proportion to their usage above their own allowance.
 * Rounding the running total (not each share) makes the shares add up to exactly the charge in
 * {@link MONEY_QUANTUM} units, with every share within one unit of its exact proportion.
 */
function attributePoolCharges(
  problem: Problem,
  assignment: Int32Array,
  poolExcess: Float64Array,
  chargeQuanta: Float64Array,
  overage: Float64Array,
): void {
  const { plans, poolOfPlan, billing } = problem
  const { count, usageMb, daysActive } = problem.sims
  const cumulativeExcess = new Float64Array(poolExcess.length)
  const attributedQuanta = new Float64Array(poolExcess.length)
  for (let i = 0; i < count; i++) {
    const planIndex = assignment[i]!
    const pool = poolOfPlan[planIndex]!
    if (pool < 0 || chargeQuanta[pool] === 0) continue
    const excess = usageMb[i]! - allowanceMb(plans[planIndex]!, prorationFactor(daysActive[i]!, billing))
    if (!(excess > 0)) continue
    cumulativeExcess[pool]! += excess
    const total = poolExcess[pool]!
    const running = cumulativeExcess[pool] === total ? chargeQuanta[pool]! : Math.round((chargeQuanta[pool]! * cumulativeExcess[pool]!) / total)
    overage[i] = (running - attributedQuanta[pool]!) * MONEY_QUANTUM
    attributedQuanta[pool] = running
  }
}
