import { allowanceMb, poolOverageCharge, prorationFactor, type Problem } from '../domain/index.js'

/** Running usage and allowance of every pool under an assignment, so pool charges can be re-priced cheaply. */
export interface PoolLedger {
  /** MB used by the pool's SIMs. */
  readonly usage: Float64Array
  /** MB included for the pool's SIMs (prorated). */
  readonly allowance: Float64Array
}

export function poolLedger(problem: Problem, assignment: Int32Array): PoolLedger {
  const usage = new Float64Array(problem.pools.length)
  const allowance = new Float64Array(problem.pools.length)
  for (let i = 0; i < problem.sims.count; i++) {
    const plan = assignment[i]!
    const pool = problem.poolOfPlan[plan]!
    if (pool < 0) continue
    usage[pool]! += problem.sims.usageMb[i]!
    allowance[pool]! += allowanceMb(problem.plans[plan]!, prorationFactor(problem.sims.daysActive[i]!, problem.billing))
  }
  return { usage, allowance }
}

/** Sum of the overage charges of `pools` when each holds the usage and allowance given. */
export function poolsCharge(problem: Problem, pools: readonly number[], usage: Float64Array, allowance: Float64Array): number {
  let charge = 0
  for (const pool of pools) charge += poolOverageCharge(problem.pools[pool]!, usage[pool]!, allowance[pool]!)
  return charge
}
