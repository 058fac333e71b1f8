/**
 * A rate plan's carrier terms as table columns and back: the carrier's `rate_plans` and the tenant's
 * `customer_rate_plans` store the same ones (rate, allowance, overage block, SMS, pooling).
 */
import type { RatePlan } from '../domain/index.js'

type PlanTerms = Pick<RatePlan, 'code' | 'monthlyRate' | 'includedMb' | 'overageBlockMb' | 'overageBlockPrice' | 'smsRate' | 'pooled' | 'pool'>

export interface PlanTermColumns {
  code: string
  monthly_rate: number
  included_mb: number
  overage_block_mb: number
  overage_block_price: number
  sms_rate: number
  pooled: number
  pool: string | null
}

export function planTermColumns(plan: PlanTerms): PlanTermColumns {
  return {
    code: plan.code,
    monthly_rate: plan.monthlyRate,
    included_mb: plan.includedMb,
    overage_block_mb: plan.overageBlockMb,
    overage_block_price: plan.overageBlockPrice,
    sms_rate: plan.smsRate,
    pooled: plan.pooled ? 1 : 0,
    pool: plan.pool ?? null,
  }
}

export function planTermsOf(row: PlanTermColumns): PlanTerms {
  return {
    code: row.code,
    monthlyRate: row.monthly_rate,
    includedMb: row.included_mb,
    overageBlockMb: row.overage_block_mb,
    overageBlockPrice: row.overage_block_price,
    smsRate: row.sms_rate,
    pooled: row.pooled === 1,
    ...(row.pool === null ? {} : { pool: row.pool }),
  }
}
