/**
 * Customer optimization (issue 20): which of a reseller's own customer rate plans (or customer rate pools)
 * each SIM it bills should be on, to cut what its end customer is charged. The customer price sheet is turned
 * into a {@link Problem} so that it is priced by the one cost model and optimized by the one optimizer; this
 * module only decides what that problem is (docs/decisions.md, "Customer optimization (issue 20)").
 *
 * Units: data in MB, money in the tenant's currency, unrounded. No proration: customer bills never prorate.
 */
import { priceAssignment, type PricedAssignment } from './cost-model.js'
import { SimoptError } from './errors.js'
import { createProblem, type Problem } from './problem.js'
import type { CommPlan, PoolDefinition, RatePlan } from './rate-plan.js'
import { SimTableBuilder } from './sim-table.js'

/**
 * What a customer plan bills: `rate+overage` (the default), `overage-only` (no monthly rate: the rate is billed
 * elsewhere, or the plan is pay as you go) or `rate-only` (a flat rate: no overage, whatever the usage).
 */
export const CHARGE_TYPES = ['rate+overage', 'overage-only', 'rate-only'] as const
export type ChargeType = (typeof CHARGE_TYPES)[number]

/**
 * The allowance a `rate-only` plan is priced with, MB: no SIM uses a million TB in a month, so such a plan
 * never charges overage, and the cost model needs no case of its own for it.
 */
export const RATE_ONLY_INCLUDED_MB = 1e12

/** A plan of the reseller's price sheet: the carrier plan's terms plus what customer billing adds. */
export interface CustomerPlan extends RatePlan {
  /** false: SIMs on this plan are priced as they are and never moved (they still count in their pool). */
  readonly autoChange: boolean
  readonly chargeType: ChargeType
}

/** One SIM a customer is billed for. */
export interface CustomerSim {
  readonly iccid: string
  /** The customer's external id (the billing system's). */
  readonly customer: string
  /** Index into the sheet's plans: the customer plan the SIM is billed on now. */
  readonly plan: number
  /** Usage to price, MB (already projected). */
  readonly usageMb: number
  readonly sms: number
  /**
   * Billed in advance: the bill issued now carries the next period's rate on the plan chosen now, so the choice
   * is priced on the next period, with this period's usage as its forecast (decisions.md).
   */
  readonly billInAdvance: boolean
}

/** A tenant's customer price sheet and the SIMs of its customers. */
export interface CustomerSheet {
  readonly plans: readonly CustomerPlan[]
  readonly poolDefinitions: readonly PoolDefinition[]
  readonly sims: readonly CustomerSim[]
}

/** The problem of one customer, and how its rows map back to the customer's SIMs. */
export interface CustomerProblem {
  readonly customer: string
  readonly problem: Problem
  /** Per row of `problem.sims`: 1 for a SIM of this customer, 0 for another customer's SIM sharing a named pool (held on its plan). */
  readonly own: Uint8Array
  /** Per row: 1 for a SIM billed in advance. */
  readonly billInAdvance: Uint8Array
  /** Per problem plan (same order as the sheet): its charge type. */
  readonly chargeTypes: readonly ChargeType[]
}

/** The plan as the cost model must price it: the charge type applied to the carrier-style terms. */
export function billedPlan(plan: CustomerPlan): RatePlan {
  const { autoChange: _autoChange, chargeType, ...terms } = plan
  if (chargeType === 'overage-only') return { ...terms, monthlyRate: 0 }
  if (chargeType === 'rate-only') return { ...terms, includedMb: RATE_ONLY_INCLUDED_MB }
  return terms
}

/** Name of the communication plan of SIMs free to move (any auto-change plan). */
export const AUTO_CHANGE_SET = 'auto-change plans'

/**
 * Checks the sheet's own rules: a `rate-only` plan cannot pool (it has no overage to share and its allowance
 * would pay every other SIM's in the pool). @throws SimoptError `INPUT_INVALID` naming the plan.
 */
export function checkCustomerPlans(plans: readonly CustomerPlan[]): void {
  for (const plan of plans) {
    if (plan.chargeType === 'rate-only' && plan.pooled) {
      throw new SimoptError('INPUT_INVALID', `customer plan ${plan.code} is rate-only and pooled; a rate-only plan charges no overage, so it has nothing to pool`)
    }
  }
}

/**
 * Builds the problem of `customer`: its SIMs, free to move between the auto-change plans when they are on
 * one, held on their plan otherwise; plus the SIMs of other customers on plans of a named pool one of this
 * customer's SIMs can reach, held on their plans, so that a pool shared by several customers is priced whole.
 * A pooled plan without a named pool pools each customer's SIMs apart.
 * @throws SimoptError `NOT_FOUND` when the customer has no SIM.
 */
export function customerProblem(sheet: CustomerSheet, customer: string, periodDays = 30): CustomerProblem {
  checkCustomerPlans(sheet.plans)
  const plans = sheet.plans.map(billedPlan)
  const auto: number[] = []
  for (const [p, plan] of sheet.plans.entries()) if (plan.autoChange) auto.push(p)
  // Communication plans: every auto-change plan for SIMs free to move; one per other plan for the SIMs held on it.
  const commPlans: CommPlan[] = [{ name: AUTO_CHANGE_SET, allowedPlans: auto }]
  const heldSet = new Int32Array(plans.length).fill(-1)
  const heldSetOf = (p: number): number => {
    if (heldSet[p]! < 0) {
      heldSet[p] = commPlans.length
      commPlans.push({ name: `held on ${plans[p]!.code}`, allowedPlans: [p] })
    }
    return heldSet[p]!
  }
  const ownSims = sheet.sims.filter((sim) => sim.customer === customer)
  if (ownSims.length === 0) throw new SimoptError('NOT_FOUND', `customer ${customer} has no SIM`)
  // Named pools this customer's SIMs can be priced in: those of the plans they are on or may move to.
  const reachablePools = new Set<string>()
  const note = (p: number): void => {
    const pool = plans[p]!.pool
    if (plans[p]!.pooled && pool !== undefined) reachablePools.add(pool)
  }
  for (const sim of ownSims) note(sim.plan)
  if (ownSims.some((sim) => sheet.plans[sim.plan]!.autoChange)) for (const p of auto) note(p)

  const table = new SimTableBuilder(ownSims.length)
  const own: number[] = []
  const advance: number[] = []
  for (const sim of sheet.sims) {
    const mine = sim.customer === customer
    const plan = plans[sim.plan]!
    if (!mine && !(plan.pooled && plan.pool !== undefined && reachablePools.has(plan.pool))) continue
    const free = mine && sheet.plans[sim.plan]!.autoChange
    table.add({ iccid: sim.iccid, usageMb: sim.usageMb, sms: sim.sms, commPlan: free ? 0 : heldSetOf(sim.plan), currentPlan: sim.plan, daysActive: periodDays, autoChange: free })
    own.push(mine ? 1 : 0)
    advance.push(sim.billInAdvance ? 1 : 0)
  }
  const problem = createProblem({ plans, poolDefinitions: sheet.poolDefinitions, commPlans, sims: table.build(), billing: { periodDays, prorate: false } })
  return { customer, problem, own: Uint8Array.from(own), billInAdvance: Uint8Array.from(advance), chargeTypes: sheet.plans.map((plan) => plan.chargeType) }
}

/** The customers of a sheet, in order of first appearance. */
export function customersOf(sheet: Pick<CustomerSheet, 'sims'>): string[] {
  return [...new Set(sheet.sims.map((sim) => sim.customer))]
}

/** A customer's bill split as the cost model prices an assignment. */
export interface CustomerBill {
  /** The customer's own SIMs: monthly + SMS + overage (their attributed share of each pool's charge). */
  readonly bill: number
  /**
   * What the customer's choices move: the problem's total less the monthly and SMS charges of other customers'
   * SIMs (fixed, since they are held). It is the customer's bill plus the other customers' shares of the pools
   * they share with it; with no shared pool it equals `bill`. Bound, gap and old method are measured on it.
   */
  readonly instanceCost: number
}

/** Prices the customer's part of `priced` (an assignment of `cp.problem`). */
export function customerBill(cp: CustomerProblem, priced: PricedAssignment): CustomerBill {
  let bill = 0
  let othersFixed = 0
  for (let i = 0; i < cp.own.length; i++) {
    if (cp.own[i] === 1) bill += priced.monthly[i]! + priced.sms[i]! + priced.overage[i]!
    else othersFixed += priced.monthly[i]! + priced.sms[i]!
  }
  return { bill, instanceCost: priced.total - othersFixed }
}

/** The monthly and SMS charges of the other customers' SIMs in the problem: constant, as they are held. */
export function othersFixedCost(cp: CustomerProblem): number {
  const priced = priceAssignment(cp.problem, cp.problem.sims.currentPlan)
  return priced.total - customerBill(cp, priced).instanceCost
}

/**
 * What one SIM's line on the customer's bill issued now says, by its charge type: a SIM billed in advance
 * carries only the next period's rate (`rate-only`), the rest their plan's charge type.
 */
export function billedNow(chargeType: ChargeType, billInAdvance: boolean, monthly: number, overage: number, sms: number): { chargeType: ChargeType; amount: number } {
  if (billInAdvance) return { chargeType: 'rate-only', amount: monthly }
  return { chargeType, amount: monthly + overage + sms }
}

/** A customer's figures in a customer session, as its e-mail and workbook list them. */
export interface CustomerFiguresLine {
  readonly customer: string
  readonly name: string
  readonly sims: number
  readonly changes: number
  readonly billBefore: number
  readonly billAfter: number
  readonly lowerBound: number
  readonly gapPct: number
  readonly baselineCost: number
}
