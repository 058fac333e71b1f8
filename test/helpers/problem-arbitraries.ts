/**
 * fast-check arbitraries for whole problems: plans (pooled alone, sharing a named pool with or without its
 * own terms), communication plans allowing subsets of them, SIMs with usage, SMS, days active and locks.
 */
import fc from 'fast-check'
import { createProblem, simTableFromRows, type CommPlan, type PoolDefinition, type Problem, type RatePlan, type SimRow } from '../../src/domain/index.js'

export interface ProblemShape {
  readonly maxPlans: number
  readonly maxCommPlans: number
  readonly minSims: number
  readonly maxSims: number
  /** Communication plan and pool names (distinctness is taken care of). */
  readonly names: fc.Arbitrary<string>
  /** Plan codes: comm_plans.csv lists them split on ';' and trimmed, so they carry neither. */
  readonly planCodes: fc.Arbitrary<string>
  /** Non-negative amounts (rates, allowances, usage). */
  readonly amount: fc.Arbitrary<number>
  /** Positive amounts (overage block sizes and prices). */
  readonly positive: fc.Arbitrary<number>
  readonly sms: fc.Arbitrary<number>
}

/** Amounts a price sheet and a fleet really have: cents, whole and fractional MB, blocks on their edges. */
export const REALISTIC: ProblemShape = {
  maxPlans: 5,
  maxCommPlans: 3,
  minSims: 0,
  maxSims: 12,
  names: fc.stringMatching(/^[A-Z][A-Z0-9-]{0,5}$/),
  planCodes: fc.stringMatching(/^[A-Z][A-Z0-9-]{0,5}$/),
  amount: fc.oneof(
    fc.constantFrom(0, 1, 5, 10, 20, 100),
    fc.integer({ min: 0, max: 50_000 }).map((cents) => cents / 100),
    fc.double({ min: 0, max: 2000, noNaN: true }).map((x) => x + 0),
  ),
  positive: fc.oneof(fc.constantFrom(0.01, 0.5, 1, 10, 100), fc.integer({ min: 1, max: 10_000 }).map((cents) => cents / 100)),
  sms: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500 })),
}

const STRINGS_WITH_CSV_SYNTAX = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }),
  fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', '\t', '\ufeff', '\u00a0', ';', 'é', '\u{1F4F6}'), minLength: 1, maxLength: 12 }),
)

/** Every value the files' format can carry: any text up to 100 UTF-16 units, numbers from 5e-324 to 1.8e308. */
export const EXTREME: ProblemShape = {
  maxPlans: 6,
  maxCommPlans: 3,
  minSims: 1,
  maxSims: 15,
  names: STRINGS_WITH_CSV_SYNTAX,
  planCodes: STRINGS_WITH_CSV_SYNTAX.filter((text) => !text.includes(';') && text.trim() === text),
  amount: fc.oneof(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((x) => x + 0), fc.constantFrom(0, Number.MAX_VALUE, Number.MIN_VALUE)),
  positive: fc.oneof(fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(Number.MAX_VALUE, Number.MIN_VALUE)),
  sms: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)),
}

export const ICCIDS = fc.stringMatching(/^\d{10,22}[Ff]?$/)

interface PlanDraft {
  readonly terms: Omit<RatePlan, 'code' | 'pooled' | 'pool'>
  /** -1 not pooled, 0 pooled alone, 1 or 2 in the named pool of that number. */
  readonly pooling: number
}

/** A valid problem; codes and names are distinct, named pools share terms or have a definition. */
export function problemArbitrary(shape: ProblemShape): fc.Arbitrary<Problem> {
  const terms = fc.record({
    monthlyRate: shape.amount,
    includedMb: shape.amount,
    overageBlockMb: shape.positive,
    overageBlockPrice: shape.positive,
    smsRate: shape.amount,
  })
  const draft: fc.Arbitrary<PlanDraft> = fc.record({ terms, pooling: fc.integer({ min: -1, max: 2 }) })
  return fc
    .record({
      drafts: fc.array(draft, { minLength: 1, maxLength: shape.maxPlans }),
      codes: fc.uniqueArray(shape.planCodes, { minLength: shape.maxPlans, maxLength: shape.maxPlans }),
      poolNames: fc.uniqueArray(shape.names, { minLength: 2, maxLength: 2 }),
      definitions: fc.tuple(fc.option(fc.tuple(shape.positive, shape.positive)), fc.option(fc.tuple(shape.positive, shape.positive))),
      commPlanNames: fc.uniqueArray(shape.names, { minLength: shape.maxCommPlans, maxLength: shape.maxCommPlans }),
      periodDays: fc.integer({ min: 1, max: 366 }),
      prorate: fc.boolean(),
    })
    // A shared pool may not have the code of a plan pooling alone (its pool bears its code).
    .filter(({ codes, poolNames }) => !poolNames.some((pool) => codes.includes(pool)))
    .chain(({ drafts, codes, poolNames, definitions, commPlanNames, periodDays, prorate }) => {
      const poolDefinitions: PoolDefinition[] = []
      const plans: RatePlan[] = drafts.map((plan, p) => {
        const code = codes[p]!
        if (plan.pooling <= 0) return { code, ...plan.terms, pooled: plan.pooling === 0 }
        const pool = poolNames[plan.pooling - 1]!
        const definition = definitions[plan.pooling - 1]
        if (definition !== null && definition !== undefined) {
          if (!poolDefinitions.some((d) => d.name === pool)) poolDefinitions.push({ name: pool, overageBlockMb: definition[0], overageBlockPrice: definition[1] })
          return { code, ...plan.terms, pooled: true, pool }
        }
        // Without a definition the plans of a named pool must sell overage alike: the first one's terms.
        const first = drafts.findIndex((other) => other.pooling === plan.pooling)
        const { overageBlockMb, overageBlockPrice } = drafts[first]!.terms
        return { code, ...plan.terms, overageBlockMb, overageBlockPrice, pooled: true, pool }
      })
      const allowed = (minLength: number) => fc.uniqueArray(fc.integer({ min: 0, max: plans.length - 1 }), { minLength, maxLength: plans.length })
      // The first communication plan allows a plan whenever SIMs are required, so they have one to be on.
      const allowedLists = fc
        .tuple(allowed(shape.minSims > 0 ? 1 : 0), fc.array(allowed(0), { maxLength: commPlanNames.length - 1 }))
        .map(([first, rest]) => [first, ...rest])
      return fc
        .tuple(fc.constant(plans), fc.constant(poolDefinitions), allowedLists, fc.constant({ periodDays, prorate }))
        .chain(([plans, poolDefinitions, allowedLists, billing]) => {
          const commPlans: CommPlan[] = allowedLists.map((allowedPlans, c) => ({ name: commPlanNames[c]!, allowedPlans }))
          const usable = commPlans.flatMap((commPlan, c) => (commPlan.allowedPlans.length > 0 ? [c] : []))
          const minSims = usable.length === 0 ? 0 : shape.minSims
          const maxSims = usable.length === 0 ? 0 : shape.maxSims
          const sim = fc
            .constantFrom(...(usable.length === 0 ? [0] : usable))
            .chain((commPlan) =>
              fc.record({
                commPlan: fc.constant(commPlan),
                currentPlan: fc.constantFrom(...(commPlans[commPlan]!.allowedPlans.length === 0 ? [0] : commPlans[commPlan]!.allowedPlans)),
                usageMb: shape.amount,
                sms: shape.sms,
                daysActive: fc.oneof(fc.constant(billing.periodDays), fc.integer({ min: 0, max: billing.periodDays })),
                autoChange: fc.boolean(),
              }),
            )
          return fc
            .record({
              iccids: fc.uniqueArray(ICCIDS, { minLength: maxSims, maxLength: maxSims }),
              sims: fc.array(sim, { minLength: minSims, maxLength: maxSims }),
            })
            .map(({ iccids, sims }) =>
              createProblem({
                plans,
                poolDefinitions,
                commPlans,
                sims: simTableFromRows(sims.map((row, i): SimRow => ({ ...row, iccid: iccids[i]! }))),
                billing,
              }),
            )
        })
    })
}

/** Any assignment of `problem`'s SIMs to plans their communication plan allows (locked SIMs too: pricing ignores locks). */
export function assignmentArbitrary(problem: Problem): fc.Arbitrary<Int32Array> {
  const { sims, commPlans } = problem
  return fc.array(fc.nat(), { minLength: sims.count, maxLength: sims.count }).map((picks) =>
    Int32Array.from(picks, (pick, i) => {
      const allowed = commPlans[sims.commPlan[i]!]!.allowedPlans
      return allowed[pick % allowed.length]!
    }),
  )
}

/** A problem with an assignment of it. */
export function pricedCaseArbitrary(shape: ProblemShape): fc.Arbitrary<{ problem: Problem; assignment: Int32Array }> {
  return problemArbitrary(shape).chain((problem) => fc.record({ problem: fc.constant(problem), assignment: assignmentArbitrary(problem) }))
}
