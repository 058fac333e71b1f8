import { SimoptError } from './errors.js'
import type { FleetKind } from './mobility.js'
import type { CommPlan, PoolDefinition, RatePlan, RatePool } from './rate-plan.js'
import type { SimTable } from './sim-table.js'

/** How the provider bills the period. */
export interface BillingTerms {
  /** Length of the billing period in days. */
  readonly periodDays: number
  /** Whether SIMs activated inside the period pay (and receive) a prorated share of the monthly terms. */
  readonly prorate: boolean
}

/** Everything the cost model and the optimizer need: one provider's price sheet and fleet for one period. */
export interface Problem {
  readonly plans: readonly RatePlan[]
  /** Every pool of the account: one per pooled plan without a named pool, one per named pool. */
  readonly pools: readonly RatePool[]
  /** Pool index of each plan; -1 for a plan that does not pool. */
  readonly poolOfPlan: Int32Array
  readonly commPlans: readonly CommPlan[]
  readonly sims: SimTable
  readonly billing: BillingTerms
  /** Absent: M2M. Mobility: the pools are optimization groups and the communication plans (group, type) sets. */
  readonly fleet?: FleetKind | undefined
}

export interface ProblemInput {
  readonly plans: readonly RatePlan[]
  readonly poolDefinitions?: readonly PoolDefinition[]
  readonly commPlans: readonly CommPlan[]
  readonly sims: SimTable
  readonly billing: BillingTerms
}

export type PoolResolution =
  | { readonly ok: true; readonly pools: readonly RatePool[]; readonly poolOfPlan: Int32Array }
  | { readonly ok: false; readonly planIndex: number; readonly message: string }

/**
 * Groups pooled plans into pools. A pooled plan without a pool name pools alone; plans naming the same
 * pool share it, with the overage terms of the pool's definition, or, without a definition, the terms
 * the member plans agree on.
 */
export function resolvePools(plans: readonly RatePlan[], definitions: readonly PoolDefinition[] = []): PoolResolution {
  const definitionByName = new Map(definitions.map((definition) => [definition.name, definition]))
  const poolOfPlan = new Int32Array(plans.length).fill(-1)
  const pools: { name: string; overageBlockMb: number; overageBlockPrice: number; plans: number[] }[] = []
  const namedPoolIndex = new Map<string, number>()
  // A plan pooling alone gives its pool its own code; a shared pool of that name would be a second pool
  // reports could not tell apart, and likely meant to be the same one.
  const lonePoolCodes = new Set(plans.filter((plan) => plan.pooled && plan.pool === undefined).map((plan) => plan.code))
  const clash = (planIndex: number, name: string): PoolResolution => ({
    ok: false,
    planIndex,
    message: `pooled plan ${name} pools alone, under its own code, and a pool shared by other plans is named ${name} too; give plan ${name} the pool ${name} to share it, or rename one of them`,
  })

  for (const [planIndex, plan] of plans.entries()) {
    if (!plan.pooled) {
      if (plan.pool !== undefined) {
        return { ok: false, planIndex, message: `plan ${plan.code} names pool ${plan.pool} but is not pooled` }
      }
      continue
    }
    if (plan.pool === undefined) {
      if (namedPoolIndex.has(plan.code)) return clash(planIndex, plan.code)
      poolOfPlan[planIndex] = pools.length
      pools.push({ name: plan.code, overageBlockMb: plan.overageBlockMb, overageBlockPrice: plan.overageBlockPrice, plans: [planIndex] })
      continue
    }
    const existing = namedPoolIndex.get(plan.pool)
    if (existing === undefined) {
      if (lonePoolCodes.has(plan.pool) && plans.findIndex((other) => other.code === plan.pool) < planIndex) return clash(planIndex, plan.pool)
      const definition = definitionByName.get(plan.pool)
      namedPoolIndex.set(plan.pool, pools.length)
      poolOfPlan[planIndex] = pools.length
      pools.push({
        name: plan.pool,
        overageBlockMb: definition?.overageBlockMb ?? plan.overageBlockMb,
        overageBlockPrice: definition?.overageBlockPrice ?? plan.overageBlockPrice,
        plans: [planIndex],
      })
      continue
    }
    const pool = pools[existing]!
    if (
      !definitionByName.has(plan.pool) &&
      (pool.overageBlockMb !== plan.overageBlockMb || pool.overageBlockPrice !== plan.overageBlockPrice)
    ) {
      const first = plans[pool.plans[0]!]!
      return {
        ok: false,
        planIndex,
        message:
          `plans ${first.code} and ${plan.code} share pool ${plan.pool} but sell overage differently ` +
          `(${first.overageBlockMb} MB at ${first.overageBlockPrice} vs ${plan.overageBlockMb} MB at ${plan.overageBlockPrice}); ` +
          `define the pool's terms in the pools file`,
      }
    }
    poolOfPlan[planIndex] = existing
    pool.plans.push(planIndex)
  }
  return { ok: true, pools, poolOfPlan }
}

/**
 * Builds a problem and checks the invariants the cost model and the optimizer rely on.
 * Readers of user files check the same rules earlier, with file positions; this guards programmatic callers.
 * @throws SimoptError `PROBLEM_INVALID` naming the first broken invariant.
 */
export function createProblem(input: ProblemInput): Problem {
  const { plans, commPlans, sims, billing } = input
  const fail = (message: string): never => {
    throw new SimoptError('PROBLEM_INVALID', message)
  }
  if (!(billing.periodDays > 0)) fail(`period must last at least one day, got ${billing.periodDays}`)
  for (const plan of plans) {
    if (!(plan.overageBlockMb > 0) || !(plan.overageBlockPrice > 0)) {
      fail(`plan ${plan.code} must sell overage in blocks of more than 0 MB at a price above 0`)
    }
    for (const [what, bundle] of [['voice', plan.voice], ['SMS', plan.text]] as const) {
      if (bundle !== undefined && !(bundle.included >= 0 && bundle.blockSize > 0 && bundle.blockPrice >= 0)) {
        fail(`plan ${plan.code} must include 0 or more ${what} units and sell more in blocks of more than 0 at a price of 0 or more`)
      }
    }
  }
  const resolution = resolvePools(plans, input.poolDefinitions)
  if (!resolution.ok) return fail(resolution.message)

  const allowed = allowedPlanMatrix(commPlans, plans.length)
  for (const commPlan of commPlans) {
    for (const planIndex of commPlan.allowedPlans) {
      if (!(planIndex >= 0 && planIndex < plans.length)) fail(`communication plan ${commPlan.name} refers to plan #${planIndex}`)
    }
  }
  for (let i = 0; i < sims.count; i++) {
    const commPlan = sims.commPlan[i]!
    const current = sims.currentPlan[i]!
    if (!(commPlan >= 0 && commPlan < commPlans.length)) fail(`SIM ${sims.iccid[i]} refers to communication plan #${commPlan}`)
    if (!(current >= 0 && current < plans.length)) fail(`SIM ${sims.iccid[i]} is on plan #${current}`)
    if (!allowed[commPlan * plans.length + current]) {
      fail(`SIM ${sims.iccid[i]} is on plan ${plans[current]!.code}, which ${commPlans[commPlan]!.name} does not allow`)
    }
    const usage = sims.usageMb[i]!
    const days = sims.daysActive[i]!
    if (!(usage >= 0) || !(sims.sms[i]! >= 0) || !((sims.voiceMinutes?.[i] ?? 0) >= 0)) fail(`SIM ${sims.iccid[i]} has negative or missing usage`)
    if (!(days >= 0 && days <= billing.periodDays)) fail(`SIM ${sims.iccid[i]} was active ${days} days in a ${billing.periodDays}-day period`)
  }
  return { plans, pools: resolution.pools, poolOfPlan: resolution.poolOfPlan, commPlans, sims, billing }
}

/** `matrix[c * planCount + p]` is 1 when communication plan `c` allows rate plan `p`. */
export function allowedPlanMatrix(commPlans: readonly CommPlan[], planCount: number): Uint8Array {
  const matrix = new Uint8Array(commPlans.length * planCount)
  for (const [c, commPlan] of commPlans.entries()) {
    for (const p of commPlan.allowedPlans) matrix[c * planCount + p] = 1
  }
  return matrix
}

/** The assignment that changes nothing: every SIM on its current plan. */
export function currentAssignment(problem: Problem): Int32Array {
  return problem.sims.currentPlan.slice()
}
