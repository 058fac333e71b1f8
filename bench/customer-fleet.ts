/**
 * A reseller's customers for the customer optimization bench (issue 20): `customers` customers sharing `sims`
 * SIMs spread over two carrier accounts, a customer price sheet of ten plans (unpooled tiers, pooled plans
 * that pool each customer apart, a pay-as-you-go plan billed overage only, a flat rate-only plan and a legacy
 * plan that are not auto-change, and a named pool some customers share, not auto-change either), SIMs billed
 * in advance, and usage drawn from a skewed distribution. Deterministic for a seed.
 */
import { Random } from '../src/demo/random.js'
import type { CustomerPlan, CustomerSheet, CustomerSim, PoolDefinition } from '../src/domain/index.js'

const plan = (code: string, monthlyRate: number, includedMb: number, overageBlockMb: number, overageBlockPrice: number, terms: Partial<CustomerPlan> = {}): CustomerPlan => ({
  code, monthlyRate, includedMb, overageBlockMb, overageBlockPrice, smsRate: 0.05, pooled: false, autoChange: true, chargeType: 'rate+overage', ...terms,
})

export const BENCH_CUSTOMER_PLANS: readonly CustomerPlan[] = [
  plan('C-BASIC-5MB', 2.5, 5, 1, 0.5),
  plan('C-STD-50MB', 7, 50, 5, 1),
  plan('C-PLUS-200MB', 14, 200, 10, 1.5),
  plan('C-PRO-1GB', 35, 1024, 100, 6),
  plan('C-SHARE-25MB', 5, 25, 10, 1.5, { pooled: true }),
  plan('C-SHARE-250MB', 18, 250, 10, 1.2, { pooled: true }),
  plan('C-PAYG', 0, 0, 1, 0.6, { chargeType: 'overage-only' }),
  plan('C-FLAT', 40, 0, 1, 1, { autoChange: false, chargeType: 'rate-only' }),
  plan('C-LEGACY-10MB', 3, 10, 1, 0.8, { autoChange: false }),
  plan('C-GROUP-100MB', 9, 100, 10, 1, { pooled: true, pool: 'GROUP', autoChange: false }),
]
export const BENCH_CUSTOMER_POOLS: readonly PoolDefinition[] = [{ name: 'GROUP', overageBlockMb: 10, overageBlockPrice: 0.9 }]

export interface BenchCustomerFleet {
  readonly sheet: CustomerSheet
  /** Carrier account (0 or 1) of each SIM of `sheet.sims`. */
  readonly provider: Uint8Array
  readonly names: ReadonlyMap<string, string>
}

export function benchCustomerFleet(customers: number, sims: number, seed = 20): BenchCustomerFleet {
  const random = new Random(seed)
  const weights = [18, 18, 8, 3, 14, 8, 12, 2, 3, 0]
  const total = weights.reduce((a, b) => a + b, 0)
  const list: CustomerSim[] = []
  const provider = new Uint8Array(sims)
  const names = new Map<string, string>()
  for (let i = 0; i < sims; i++) {
    const c = i % customers
    const customer = `CUST-${String(c + 1).padStart(4, '0')}`
    names.set(customer, `Customer ${c + 1}`)
    // Every tenth customer also has SIMs in the GROUP pool it shares with the others doing so.
    let p = 9
    if (!(c % 10 === 0 && random.chance(0.05))) {
      let pick = random.next() * total
      for (p = 0; p < weights.length - 1 && pick >= weights[p]!; p++) pick -= weights[p]!
    }
    // Mostly small IoT usage with a heavy tail: 30% idle, the rest log-normal around 20 MB.
    const usageMb = random.chance(0.3) ? 0 : Math.round(Math.exp(3 + 1.6 * random.normal()) * 1000) / 1000
    list.push({ iccid: `89011${String(i).padStart(14, '0')}`, customer, plan: p, usageMb, sms: random.chance(0.5) ? random.int(0, 40) : 0, billInAdvance: c % 7 === 0 && random.chance(0.3) })
    provider[i] = random.chance(0.5) ? 1 : 0
  }
  return { sheet: { plans: BENCH_CUSTOMER_PLANS, poolDefinitions: BENCH_CUSTOMER_POOLS, sims: list }, provider, names }
}
