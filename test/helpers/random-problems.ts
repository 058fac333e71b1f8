/** Random small problems of every shape the cost model knows, for checks against exact answers. */
import { Random } from '../../src/demo/random.js'
import type { Problem, RatePlan } from '../../src/domain/index.js'
import { mobilityProblemOf, plan, problemOf, type SimSpec } from './problems.js'

export interface RandomProblemShape {
  readonly sims: number
  readonly plans: number
}

/**
 * Plans with random terms (some pooled, sometimes two sharing a named pool, blocks of 1 to 100 MB),
 * two communication plans allowing different plans, usage from idle to heavy, SMS, proration and a few
 * locked SIMs.
 */
export function randomProblem(random: Random, shape: RandomProblemShape): Problem {
  const plans: RatePlan[] = []
  const shared = shape.plans >= 3 && random.chance(0.4)
  for (let p = 0; p < shape.plans; p++) {
    const includedMb = [0, 1, 5, 20, 100, 500][random.int(0, 5)]!
    const pooled = random.chance(0.6)
    plans.push(
      plan(`P${p}`, {
        monthlyRate: Math.round((0.5 + includedMb * 0.05 + random.next() * 3) * 100) / 100,
        includedMb,
        overageBlockMb: [1, 1, 10, 100][random.int(0, 3)]!,
        overageBlockPrice: Math.round((0.1 + random.next() * 2) * 100) / 100,
        smsRate: random.chance(0.5) ? 0.05 : 0.02,
        pooled,
      }),
    )
  }
  if (shared) for (const p of [0, 1]) plans[p] = { ...plans[p]!, pooled: true, pool: 'SHARED' }
  const codes = plans.map((p) => p.code)
  const narrow = codes.filter((_, index) => index % 2 === 0)
  const sims: SimSpec[] = []
  for (let i = 0; i < shape.sims; i++) {
    const commPlan = random.chance(0.7) ? 'ALL' : 'NARROW'
    const allowed = commPlan === 'ALL' ? codes : narrow
    sims.push({
      usageMb: random.chance(0.2) ? 0 : Math.round(random.logNormal(15, 1.5) * 1000) / 1000,
      plan: random.pick(allowed),
      sms: random.chance(0.5) ? 0 : random.int(1, 40),
      daysActive: random.chance(0.8) ? 30 : random.int(1, 30),
      autoChange: random.chance(0.9),
      commPlan,
    })
  }
  return problemOf({
    plans,
    poolDefinitions: shared ? [{ name: 'SHARED', overageBlockMb: [1, 10][random.int(0, 1)]!, overageBlockPrice: 0.5 }] : [],
    commPlans: { ALL: codes, NARROW: narrow },
    sims,
    prorate: random.chance(0.5),
  })
}

/** The cheapest assignment by trying them all (with the cost model itself), for tiny problems. */
export function bruteForceOptimum(problem: Problem, price: (assignment: Int32Array) => number): number {
  const { sims, commPlans } = problem
  const assignment = sims.currentPlan.slice()
  const movable = Array.from({ length: sims.count }, (_, i) => i).filter((i) => sims.autoChange[i] === 1)
  let best = Infinity
  const visit = (depth: number): void => {
    if (depth === movable.length) {
      best = Math.min(best, price(assignment))
      return
    }
    const i = movable[depth]!
    for (const p of commPlans[sims.commPlan[i]!]!.allowedPlans) {
      assignment[i] = p
      visit(depth + 1)
    }
    assignment[i] = sims.currentPlan[i]!
  }
  visit(0)
  return best
}

/**
 * A random Mobility fleet: one or two optimization groups over plans of two rate plan types, some plans
 * with voice and SMS bundles, a plan outside every group, SIMs with data, voice and SMS, a few locked.
 */
export function randomMobilityProblem(random: Random, shape: RandomProblemShape): Problem {
  const types = ['voice+data', 'data']
  const plans: RatePlan[] = []
  const groupBlock = { overageBlockMb: [1, 10, 100][random.int(0, 2)]!, overageBlockPrice: Math.round((0.5 + random.next() * 5) * 100) / 100 }
  for (let p = 0; p < shape.plans; p++) {
    const includedMb = [0, 100, 500, 2048, 5120][random.int(0, 4)]!
    plans.push(
      plan(`M${p}`, {
        monthlyRate: Math.round((5 + includedMb * 0.01 + random.next() * 10) * 100) / 100,
        includedMb,
        ...groupBlock,
        smsRate: random.chance(0.3) ? 0.01 : 0,
        type: random.pick(types),
        voice: random.chance(0.5) ? { included: [0, 200, 1000][random.int(0, 2)]!, blockSize: [1, 100][random.int(0, 1)]!, blockPrice: random.int(1, 10) } : undefined,
        text: random.chance(0.4) ? { included: [0, 500][random.int(0, 1)]!, blockSize: [1, 100][random.int(0, 1)]!, blockPrice: random.int(1, 5) / 10 } : undefined,
      }),
    )
  }
  const codes = plans.map((p) => p.code)
  const twoGroups = codes.length >= 3 && random.chance(0.5)
  const outside = codes.length >= 2 && random.chance(0.3) ? codes[codes.length - 1]! : undefined
  const grouped = codes.filter((code) => code !== outside)
  const groups: Record<string, string[]> = twoGroups
    ? { G1: grouped.filter((_, i) => i % 2 === 0), G2: grouped.filter((_, i) => i % 2 === 1) }
    : { G1: grouped }
  const sims = Array.from({ length: shape.sims }, () => ({
    usageMb: random.chance(0.2) ? 0 : Math.round(random.logNormal(800, 1.5) * 1000) / 1000,
    plan: random.pick(codes),
    sms: random.chance(0.4) ? 0 : random.int(1, 900),
    voiceMinutes: random.chance(0.3) ? 0 : random.int(1, 1500),
    autoChange: random.chance(0.9),
  }))
  return mobilityProblemOf({ plans, groups, sims })
}
