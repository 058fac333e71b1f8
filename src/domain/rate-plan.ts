/**
 * A carrier price: what one SIM on this plan costs in a billing period.
 * Money is in the account's currency; data is in MB (1 MB = 1,048,576 bytes).
 */
export interface RatePlan {
  readonly code: string
  /** Charged per SIM per period (prorated when the provider prorates). */
  readonly monthlyRate: number
  /** Data included per SIM per period, MB (prorated with the monthly rate). */
  readonly includedMb: number
  /** Overage is sold in whole blocks of this many MB; > 0. A named pool's definition overrides it. */
  readonly overageBlockMb: number
  /** Price of one overage block; > 0. A named pool's definition overrides it. */
  readonly overageBlockPrice: number
  /** Price per SMS. */
  readonly smsRate: number
  /** Whether the plan's SIMs share their allowance in a pool. */
  readonly pooled: boolean
  /** Named pool shared with other plans; absent: a pooled plan forms a pool of its own. */
  readonly pool?: string | undefined
  /** Mobility: the kind of service (voice + data, data only, hotspot, …); a SIM only moves between plans of its own type. */
  readonly type?: string | undefined
  /** Voice minutes the plan includes and how it sells more; absent: the carrier does not bill voice on it. */
  readonly voice?: MeteredAllowance | undefined
  /** SMS the plan includes and how it sells more (besides `smsRate`); absent: no SMS bundle. */
  readonly text?: MeteredAllowance | undefined
}

/** A per-SIM allowance of countable units (voice minutes, SMS) sold beyond it in whole blocks. */
export interface MeteredAllowance {
  /** Units included per SIM per period. */
  readonly included: number
  /** Units per overage block; > 0. */
  readonly blockSize: number
  /** Price of one block; >= 0. */
  readonly blockPrice: number
}

/** A named pool's overage terms (`pools.csv`). */
export interface PoolDefinition {
  readonly name: string
  readonly overageBlockMb: number
  readonly overageBlockPrice: number
}

/** A pool as the cost model sees it: the plans whose SIMs share one allowance and how overage is sold. */
export interface RatePool {
  readonly name: string
  readonly overageBlockMb: number
  readonly overageBlockPrice: number
  /** Indexes into the problem's plans. */
  readonly plans: readonly number[]
}

/** A carrier communication plan: the network services of a SIM, which decide the rate plans it may use. */
export interface CommPlan {
  readonly name: string
  /** Indexes into the problem's plans, in the order the price sheet lists them. */
  readonly allowedPlans: readonly number[]
}
