/**
 * Realistic, reproducible fleets for the bundled example, benchmarks and tests: a Jasper-style price sheet
 * (tiers from a few MB to tens of GB, pooled and unpooled variants, a named pool shared by several plans),
 * communication plans allowing different plan sets, and usage with many idle SIMs and a heavy tail.
 */
import {
  createProblem,
  simTableFromRows,
  type CommPlan,
  type PoolDefinition,
  type Problem,
  type RatePlan,
  type SimRow,
} from '../domain/index.js'
import { Random } from './random.js'

export interface FleetOptions {
  readonly sims: number
  readonly plans: number
  readonly seed: number
  /** `realistic`: sensor, general, gateway and NB-IoT communication plans; `single`: one plan allows all. */
  readonly commPlans?: 'realistic' | 'single'
  /** Share of pooled plans, 0..1 (default 0.5). */
  readonly pooledShare?: number
  readonly periodDays?: number
  readonly prorate?: boolean
}

export interface Catalogue {
  readonly plans: RatePlan[]
  readonly poolDefinitions: PoolDefinition[]
}

const SHARED_POOL = 'FLEX-SHARED'

export function generateFleet(options: FleetOptions): Problem {
  const random = new Random(options.seed)
  const catalogue = generateCatalogue(options.plans, random, options.pooledShare ?? 0.5)
  const commPlans = options.commPlans === 'single' ? singleCommPlan(catalogue.plans) : realisticCommPlans(catalogue.plans)
  const periodDays = options.periodDays ?? 30
  const rows: SimRow[] = []
  for (let i = 0; i < options.sims; i++) rows.push(generateSim(i, random, catalogue.plans, commPlans, periodDays))
  return createProblem({
    plans: catalogue.plans,
    poolDefinitions: catalogue.poolDefinitions,
    commPlans,
    sims: simTableFromRows(rows),
    billing: { periodDays, prorate: options.prorate ?? true },
  })
}

/** `count` plans over a geometric ladder of allowances; about `pooledShare` of them pool. */
export function generateCatalogue(count: number, random: Random, pooledShare: number): Catalogue {
  const plans: RatePlan[] = [
    { code: 'PAYG', monthlyRate: 0.25, includedMb: 0, overageBlockMb: 1, overageBlockPrice: 0.9, smsRate: 0.05, pooled: false },
  ]
  const tiers = Math.max(1, count - 1)
  const pooledCount = Math.round(tiers * pooledShare)
  const sharedMembers = Math.min(3, Math.floor(pooledCount / 2))
  for (let t = 0; t < tiers; t++) {
    const includedMb = niceMb(Math.pow(51_200, t / Math.max(1, tiers - 1)))
    // Spread pooled plans evenly through the ladder so both kinds exist at every size.
    const pooled = Math.floor(((t + 1) * pooledCount) / tiers) > Math.floor((t * pooledCount) / tiers)
    const monthlyRate = round2((0.5 + 0.9 * Math.pow(includedMb, 0.55)) * (pooled ? 1.06 : 1) * (0.94 + 0.12 * random.next()))
    const perMb = 0.6 * Math.pow(monthlyRate / Math.max(includedMb, 1), 0.7) * (0.9 + 0.2 * random.next())
    const overageBlockMb = includedMb >= 1024 ? 1024 : includedMb >= 100 ? 10 : 1
    const suffix = includedMb >= 1024 ? `${Math.round(includedMb / 1024)}GB` : `${includedMb}MB`
    plans.push({
      code: `${pooled ? 'POOL' : 'IND'}-${suffix}${plans.some((p) => p.code.endsWith(suffix)) ? `-V${t}` : ''}`,
      monthlyRate,
      includedMb,
      overageBlockMb,
      overageBlockPrice: round2(Math.max(0.01, perMb * overageBlockMb)),
      smsRate: pooled ? 0.04 : 0.05,
      pooled,
    })
  }
  // The smallest pooled tiers share one named pool, as carriers sell "flexible pools" of several sizes.
  let joined = 0
  const withShared = plans.map((plan) => {
    if (!plan.pooled || plan.includedMb > 1024 || joined >= sharedMembers) return plan
    joined++
    return { ...plan, code: `FLEX-${plan.code.slice(5)}`, pool: SHARED_POOL }
  })
  const poolDefinitions = joined > 1 ? [{ name: SHARED_POOL, overageBlockMb: 1, overageBlockPrice: 0.3 }] : []
  return {
    plans: joined > 1 ? withShared : plans,
    poolDefinitions,
  }
}

function realisticCommPlans(plans: readonly RatePlan[]): CommPlan[] {
  const where = (test: (plan: RatePlan) => boolean): number[] => plans.flatMap((plan, index) => (test(plan) ? [index] : []))
  const all = where(() => true)
  const sensor = where((plan) => plan.includedMb <= 100)
  const gateway = where((plan) => plan.includedMb >= 25)
  const narrowband = where((plan) => plan.includedMb <= 10)
  return [
    { name: 'LTE-GENERAL', allowedPlans: all },
    { name: 'LTE-M-SENSOR', allowedPlans: sensor.length > 0 ? sensor : all },
    { name: 'LTE-GATEWAY', allowedPlans: gateway.length > 0 ? gateway : all },
    { name: 'NB-IOT', allowedPlans: narrowband.length > 0 ? narrowband : all },
  ]
}

function singleCommPlan(plans: readonly RatePlan[]): CommPlan[] {
  return [{ name: 'LTE-GENERAL', allowedPlans: plans.map((_, index) => index) }]
}

/** Idle SIMs, trackers, gateways and a few routers with a heavy tail. */
function usageMb(random: Random): { usage: number; profile: 'idle' | 'sensor' | 'gateway' | 'router' } {
  const draw = random.next()
  if (draw < 0.25) return { usage: 0, profile: 'idle' }
  if (draw < 0.45) return { usage: round3(random.next() * 0.5), profile: 'sensor' }
  if (draw < 0.85) return { usage: round3(random.logNormal(5, 1.2)), profile: 'sensor' }
  if (draw < 0.97) return { usage: round3(random.logNormal(150, 1)), profile: 'gateway' }
  return { usage: round3(Math.min(102_400, random.pareto(1024, 1.5))), profile: 'router' }
}

function generateSim(index: number, random: Random, plans: readonly RatePlan[], commPlans: readonly CommPlan[], periodDays: number): SimRow {
  const { usage, profile } = usageMb(random)
  const commPlan =
    commPlans.length === 1
      ? 0
      : profile === 'router' || profile === 'gateway'
        ? random.chance(0.7) ? 2 : 0
        : random.chance(0.5) ? 1 : random.chance(0.5) ? 3 : 0
  const allowed = commPlans[commPlan]!.allowedPlans
  // Last month's choice: the plan nearest a stale estimate of the usage, or for some SIMs whatever plan
  // they were activated on and nobody revisited.
  const estimate = Math.log1p(usage * random.logNormal(1, 0.8))
  const forgotten = random.chance(0.1)
  const activationPlans = allowed.filter((planIndex) => plans[planIndex]!.includedMb <= 100)
  let currentPlan = forgotten ? random.pick(activationPlans.length > 0 ? activationPlans : allowed) : allowed[0]!
  for (const planIndex of forgotten ? [] : allowed) {
    const distance = Math.abs(Math.log1p(plans[planIndex]!.includedMb) - estimate)
    if (distance < Math.abs(Math.log1p(plans[currentPlan]!.includedMb) - estimate)) currentPlan = planIndex
  }
  return {
    iccid: `8901170${String(index).padStart(12, '0')}`,
    usageMb: usage,
    sms: random.chance(0.7) ? 0 : Math.round(random.logNormal(5, 1)),
    commPlan,
    currentPlan,
    daysActive: random.chance(0.92) ? periodDays : random.int(1, periodDays),
    autoChange: random.chance(0.98),
  }
}

function niceMb(value: number): number {
  if (value < 10) return Math.round(value)
  const magnitude = Math.pow(10, Math.floor(Math.log10(value)) - 1)
  return Math.round(value / magnitude) * magnitude
}

function round2(value: number): number {
  return Math.round(value * 100) / 100
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000
}
