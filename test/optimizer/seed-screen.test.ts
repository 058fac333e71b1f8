/**
 * The old method's figure ("against the old method") must not change when its candidates are screened
 * (seed-screen.ts): the screened seed strategy returns exactly the assignment of pricing every candidate.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateFleet } from '../../src/demo/fleet-generator.js'
import { Random } from '../../src/demo/random.js'
import type { Problem, RatePlan } from '../../src/domain/index.js'
import { seedStrategy } from '../../src/optimizer/index.js'
import { plan, problemOf, type SimSpec } from '../helpers/problems.js'
import { randomProblem } from '../helpers/random-problems.js'

interface Screening {
  candidates: number
  bounded: number
}

/**
 * Same assignment either way; every bound at or below its candidate's price, and a certain bound within
 * a hair of it (a bound that is merely low would pass the first check yet screen out nothing).
 */
function assertSameAsPricingEveryCandidate(problem: Problem, what: string, screening: Screening): void {
  const screened = seedStrategy(problem)
  const everyCandidate = seedStrategy(problem, {
    priceEveryCandidate: true,
    onCandidatePriced: (bound, price) => {
      screening.candidates++
      assert.ok(bound <= price, `${what}: bound ${bound} above the price ${price}`)
      if (bound === -Infinity) return
      screening.bounded++
      assert.ok(bound >= price * (1 - 1e-6) - 1e-6, `${what}: bound ${bound} far below the price ${price}`)
    },
  })
  assert.deepEqual(screened, everyCandidate, what)
}

/**
 * Plans whose break-even usages fall on the SIMs' usages, SIMs sharing few distinct usages (ties in the
 * sort and running averages landing on a limit), and several communication plans allowing the same plans,
 * so that fills restart per communication plan with SIMs carried over in pooled plans.
 */
function tieProneProblem(random: Random): Problem {
  const planCount = random.int(2, 7)
  const plans: RatePlan[] = []
  for (let p = 0; p < planCount; p++) {
    plans.push(
      plan(`P${p}`, {
        monthlyRate: random.int(1, 12) / 2,
        includedMb: random.pick([0, 1, 2, 5, 10, 20]),
        overageBlockMb: random.pick([0.5, 1, 2, 10]),
        overageBlockPrice: random.int(1, 8) / 4,
        smsRate: random.pick([0, 0.01, 0.05]),
        pooled: random.chance(0.6),
      }),
    )
  }
  const shared = planCount >= 3 && random.chance(0.5)
  if (shared) for (const p of [0, 1]) plans[p] = { ...plans[p]!, pooled: true, pool: 'SHARED' }
  const codes = plans.map((p) => p.code)
  const commPlans: Record<string, string[]> = { A: codes, B: codes, C: codes, NARROW: codes.filter((_, index) => index % 2 === 1) }
  const usages = Array.from({ length: random.int(1, 6) }, () => random.pick([0, 0.5, 1, 2, 3, 5, 7.5, 10, 20, 40]))
  const sims: SimSpec[] = []
  const count = random.int(1, 120)
  for (let i = 0; i < count; i++) {
    const commPlan = random.pick(['A', 'B', 'C', 'C', 'NARROW'])
    sims.push({
      usageMb: random.chance(0.8) ? random.pick(usages) : Math.round(random.next() * 4000) / 100,
      plan: random.pick(commPlans[commPlan]!.length > 0 ? commPlans[commPlan]! : codes),
      sms: random.chance(0.5) ? 0 : random.int(1, 20),
      daysActive: random.chance(0.7) ? 30 : random.int(1, 30),
      autoChange: random.chance(0.95),
      commPlan: commPlans[commPlan]!.length > 0 ? commPlan : 'A',
    })
  }
  return problemOf({
    plans,
    poolDefinitions: shared ? [{ name: 'SHARED', overageBlockMb: random.pick([1, 5]), overageBlockPrice: 0.5 }] : [],
    commPlans,
    sims,
    prorate: random.chance(0.5),
  })
}

describe('the old method with its candidates screened', () => {
  it('returns what pricing every candidate returns, on problems prone to ties', () => {
    const random = new Random(18)
    const screening = { candidates: 0, bounded: 0 }
    for (let run = 0; run < 400; run++) assertSameAsPricingEveryCandidate(tieProneProblem(random), `tie-prone problem ${run}`, screening)
    assert.ok(screening.bounded >= 0.5 * screening.candidates, `only ${screening.bounded} of ${screening.candidates} candidates bounded`)
  })

  it('returns what pricing every candidate returns, on random problems of every shape', () => {
    const random = new Random(1818)
    const screening = { candidates: 0, bounded: 0 }
    for (let run = 0; run < 150; run++) {
      const problem = randomProblem(random, { sims: random.int(1, 300), plans: random.int(1, 9) })
      assertSameAsPricingEveryCandidate(problem, `random problem ${run}`, screening)
    }
    assert.ok(screening.bounded >= 0.9 * screening.candidates, `only ${screening.bounded} of ${screening.candidates} candidates bounded`)
  })

  it('returns what pricing every candidate returns, on generated fleets with many plans', () => {
    const screening = { candidates: 0, bounded: 0 }
    for (let seed = 1; seed <= 12; seed++) {
      const problem = generateFleet({ sims: 3000, plans: [8, 15, 40, 100][seed % 4]!, seed, prorate: seed % 2 === 0, commPlans: seed % 3 === 0 ? 'single' : 'realistic' })
      assertSameAsPricingEveryCandidate(problem, `fleet seed ${seed}`, screening)
    }
    assert.ok(screening.bounded >= 0.9 * screening.candidates, `only ${screening.bounded} of ${screening.candidates} candidates bounded`)
  })
})
