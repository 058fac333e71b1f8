/** Small problems written the way a person states them: plans by code, SIMs by usage and plan. */
import { createMobilityProblem, createProblem, simTableFromRows, type CommPlan, type PoolDefinition, type Problem, type RatePlan } from '../../src/domain/index.js'

export function plan(code: string, terms: Partial<Omit<RatePlan, 'code'>> = {}): RatePlan {
  return {
    code,
    monthlyRate: terms.monthlyRate ?? 1,
    includedMb: terms.includedMb ?? 0,
    overageBlockMb: terms.overageBlockMb ?? 1,
    overageBlockPrice: terms.overageBlockPrice ?? 1,
    smsRate: terms.smsRate ?? 0,
    pooled: terms.pooled ?? false,
    pool: terms.pool,
    ...(terms.type === undefined ? {} : { type: terms.type }),
    ...(terms.voice === undefined ? {} : { voice: terms.voice }),
    ...(terms.text === undefined ? {} : { text: terms.text }),
  }
}

export interface SimSpec {
  readonly usageMb: number
  /** Code of the current plan. */
  readonly plan: string
  readonly sms?: number
  readonly daysActive?: number
  readonly autoChange?: boolean
  /** Name of the communication plan; default: the first one. */
  readonly commPlan?: string
}

export interface ProblemSpec {
  readonly plans: readonly RatePlan[]
  readonly sims: readonly SimSpec[]
  readonly poolDefinitions?: readonly PoolDefinition[]
  /** Communication plans by name with the plan codes they allow; default: one allowing every plan. */
  readonly commPlans?: Readonly<Record<string, readonly string[]>>
  readonly periodDays?: number
  readonly prorate?: boolean
}

export function problemOf(spec: ProblemSpec): Problem {
  const planIndex = new Map(spec.plans.map((p, index) => [p.code, index]))
  const indexOf = (code: string): number => {
    const index = planIndex.get(code)
    if (index === undefined) throw new Error(`test problem: unknown plan ${code}`)
    return index
  }
  const commPlans: CommPlan[] = Object.entries(spec.commPlans ?? { ALL: spec.plans.map((p) => p.code) }).map(([name, codes]) => ({
    name,
    allowedPlans: codes.map(indexOf),
  }))
  const periodDays = spec.periodDays ?? 30
  return createProblem({
    plans: spec.plans,
    poolDefinitions: spec.poolDefinitions,
    commPlans,
    sims: simTableFromRows(
      spec.sims.map((sim, row) => ({
        iccid: `89000000000000${String(row).padStart(5, '0')}`,
        usageMb: sim.usageMb,
        sms: sim.sms ?? 0,
        commPlan: sim.commPlan === undefined ? 0 : commPlans.findIndex((c) => c.name === sim.commPlan),
        currentPlan: indexOf(sim.plan),
        daysActive: sim.daysActive ?? periodDays,
        autoChange: sim.autoChange ?? true,
      })),
    ),
    billing: { periodDays, prorate: spec.prorate ?? false },
  })
}

/** The assignment putting SIM `i` on the plan coded `codes[i]`. */
export function assignmentOf(problem: Problem, codes: readonly string[]): Int32Array {
  return Int32Array.from(codes, (code) => {
    const index = problem.plans.findIndex((p) => p.code === code)
    if (index < 0) throw new Error(`test assignment: unknown plan ${code}`)
    return index
  })
}

export interface MobilitySimSpec {
  readonly usageMb: number
  /** Code of the current plan. */
  readonly plan: string
  readonly sms?: number
  readonly voiceMinutes?: number
  readonly autoChange?: boolean
}

export interface MobilityProblemSpec {
  readonly plans: readonly RatePlan[]
  /** Optimization groups by name with the plan codes they hold. */
  readonly groups: Readonly<Record<string, readonly string[]>>
  readonly sims: readonly MobilitySimSpec[]
  readonly poolDefinitions?: readonly PoolDefinition[]
  readonly periodDays?: number
}

/** A Mobility fleet's problem, as `createMobilityProblem` builds it. */
export function mobilityProblemOf(spec: MobilityProblemSpec): Problem {
  const planIndex = new Map(spec.plans.map((p, index) => [p.code, index]))
  const periodDays = spec.periodDays ?? 30
  return createMobilityProblem({
    plans: spec.plans,
    groups: Object.entries(spec.groups).map(([name, planCodes]) => ({ name, planCodes })),
    poolDefinitions: spec.poolDefinitions,
    sims: simTableFromRows(
      spec.sims.map((sim, row) => {
        const current = planIndex.get(sim.plan)
        if (current === undefined) throw new Error(`test problem: unknown plan ${sim.plan}`)
        return {
          iccid: `89010000000000${String(row).padStart(5, '0')}`,
          usageMb: sim.usageMb,
          sms: sim.sms ?? 0,
          voiceMinutes: sim.voiceMinutes ?? 0,
          commPlan: 0,
          currentPlan: current,
          daysActive: periodDays,
          autoChange: sim.autoChange ?? true,
        }
      }),
    ),
    billing: { periodDays, prorate: false },
  })
}
