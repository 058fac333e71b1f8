/**
 * Customer optimization (issue 20) of a customer sheet: one instance per customer, each a {@link Problem}
 * priced by the cost model and solved by the same optimizer as carrier instances (bound, gap and the old
 * method's baseline included). Shared by `simopt customers optimize` (files), the customer session's jobs and
 * the benchmark. Pure: no I/O.
 */
import { billedNow, customerBill, gapPercent, customerProblem, othersFixedCost, type ChargeType, type CustomerProblem, type CustomerSheet } from '../domain/index.js'
import { optimize, type OptimizationResult, type OptimizeOptions } from './optimize.js'

/** What one customer's optimization found; money in the tenant's currency, unrounded. */
export interface CustomerOutcome {
  readonly customer: string
  /** The customer's SIMs (other customers' SIMs held in a shared pool not counted). */
  readonly sims: number
  readonly changes: number
  /** The customer's bill on its current plans and on the recommended ones (its SIMs' charges, pool shares included). */
  readonly billBefore: number
  readonly billAfter: number
  /**
   * The instance's measure (`CustomerBill.instanceCost`: the bill plus other customers' shares of pools shared
   * with them), before and after, its proven lower bound and the old method's result on it. Equal to the bill
   * when the customer shares no pool.
   */
  readonly costBefore: number
  readonly costAfter: number
  readonly lowerBound: number
  readonly baselineCost: number
  /** (costAfter − lowerBound) / costAfter, in %; 0 for a customer billed nothing. */
  readonly gapPct: number
  readonly seconds: number
  readonly problem: CustomerProblem
  readonly result: OptimizationResult
}

/**
 * What customer runs change of the optimizer's defaults, measured on the bench's customers (1,500 SIMs, ten
 * plans, 12 customers):
 * - a search stops once it is within `refineMinGap` (0.01%) of the bound, the gap the optimizer aims for,
 *   instead of searching on for nothing (most of the search time of a customer came after that point);
 * - only customers of at most 500 SIMs get the second search and the lumpy-pool bound (`refineMaxSims`): on
 *   the bench's customers they cost 2.7 times the rest of the run for 0.0004% of the bill (the median gap went
 *   from 0.0114% to 0.0119%, the worst stayed 0.0164%). A session runs hundreds of customers;
 * - smaller budgets for the branching bound (`branchEvaluationsMax` 200) and the dives (`diveEvaluationsAt10k`
 *   100): 499 → 312 ms of CPU per customer for the same bills (median gap 0.0119% → 0.0126%: the bound is a
 *   little weaker, the answer the same).
 */
export const CUSTOMER_OPTIMIZER_OPTIONS: Partial<OptimizeOptions> = Object.freeze({ searchStopGap: 1e-4, refineMaxSims: 500, branchEvaluationsMax: 200, diveEvaluationsAt10k: 100 })

/** Optimizes one customer of `sheet`. @throws SimoptError `NOT_FOUND` for a customer with no SIM. */
export async function optimizeCustomer(sheet: CustomerSheet, customer: string, options: OptimizeOptions = {}): Promise<CustomerOutcome> {
  const started = performance.now()
  const cp = customerProblem(sheet, customer)
  const result = await optimize(cp.problem, { ...CUSTOMER_OPTIMIZER_OPTIONS, ...options })
  const fixed = othersFixedCost(cp)
  const before = customerBill(cp, result.before)
  const after = customerBill(cp, result.priced)
  const lowerBound = (result.lowerBound ?? Number.NEGATIVE_INFINITY) - fixed
  let changes = 0
  let sims = 0
  for (let i = 0; i < cp.own.length; i++) {
    if (cp.own[i] !== 1) continue
    sims++
    if (result.assignment[i] !== cp.problem.sims.currentPlan[i]) changes++
  }
  const gapPct = gapPercent(after.instanceCost, lowerBound)
  return {
    customer,
    sims,
    changes,
    billBefore: before.bill,
    billAfter: after.bill,
    costBefore: before.instanceCost,
    costAfter: after.instanceCost,
    lowerBound,
    baselineCost: result.baselineCost - fixed,
    gapPct,
    seconds: (performance.now() - started) / 1000,
    problem: cp,
    result,
  }
}

/** Columns of a customer run's assignment file (`customers optimize --out`) and of a customer session's results. */
export const CUSTOMER_RESULT_COLUMNS = [
  'customer', 'iccid', 'current_plan', 'new_plan', 'usage_mb', 'charge_type', 'bill_in_advance',
  'monthly', 'overage', 'sms_charge', 'cost_before', 'cost_after', 'billed_now',
] as const

/** One SIM of a customer's result: its plans, its charges after (cost model), and its line on the bill issued now. */
export interface CustomerResultRow {
  readonly customer: string
  readonly iccid: string
  readonly currentPlan: string
  readonly newPlan: string
  readonly usageMb: number
  readonly chargeType: ChargeType
  readonly billInAdvance: boolean
  readonly monthly: number
  readonly overage: number
  readonly sms: number
  readonly costBefore: number
  readonly costAfter: number
  readonly billedNow: number
}

/** The customer's own SIMs of an outcome, in the order of the problem. */
export function* customerResultRows(outcome: CustomerOutcome): Generator<CustomerResultRow> {
  const { problem: cp, result } = outcome
  const { sims, plans } = cp.problem
  for (let i = 0; i < sims.count; i++) {
    if (cp.own[i] !== 1) continue
    const plan = result.assignment[i]!
    const monthly = result.priced.monthly[i]!
    const overage = result.priced.overage[i]!
    const sms = result.priced.sms[i]!
    const line = billedNow(cp.chargeTypes[plan]!, cp.billInAdvance[i] === 1, monthly, overage, sms)
    yield {
      customer: outcome.customer,
      iccid: sims.iccid[i]!,
      currentPlan: plans[sims.currentPlan[i]!]!.code,
      newPlan: plans[plan]!.code,
      usageMb: sims.usageMb[i]!,
      chargeType: line.chargeType,
      billInAdvance: cp.billInAdvance[i] === 1,
      monthly,
      overage,
      sms,
      costBefore: result.before.monthly[i]! + result.before.overage[i]! + result.before.sms[i]!,
      costAfter: monthly + overage + sms,
      billedNow: line.amount,
    }
  }
}

/** A result row as the CSV line's values, in {@link CUSTOMER_RESULT_COLUMNS} order. */
export function customerResultValues(row: CustomerResultRow): (string | number | boolean)[] {
  return [row.customer, row.iccid, row.currentPlan, row.newPlan, row.usageMb, row.chargeType, row.billInAdvance, row.monthly, row.overage, row.sms, row.costBefore, row.costAfter, row.billedNow]
}
