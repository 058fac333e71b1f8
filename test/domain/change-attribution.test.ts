import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Random } from '../../src/demo/random.js'
import { attributeChanges, currentAssignment, priceAssignment, type Problem } from '../../src/domain/index.js'
import { optimize } from '../../src/optimizer/index.js'
import { REALISTIC, assignmentArbitrary, problemArbitrary } from '../helpers/problem-arbitraries.js'
import { assignmentOf, plan, problemOf } from '../helpers/problems.js'
import { propertyRuns } from '../helpers/property.js'
import { randomMobilityProblem, randomProblem } from '../helpers/random-problems.js'

function attributed(problem: Problem, after: Int32Array) {
  const before = currentAssignment(problem)
  const pricedBefore = priceAssignment(problem, before)
  const pricedAfter = priceAssignment(problem, after)
  const attribution = attributeChanges(problem, { assignment: before, priced: pricedBefore }, { assignment: after, priced: pricedAfter })
  let sum = 0
  for (let i = 0; i < problem.sims.count; i++) sum += attribution.ownSaving[i]! + attribution.poolEffect[i]!
  return { ...attribution, sum, saving: pricedBefore.total - pricedAfter.total }
}

// + 0: a saving of -0.001 and one of 0.001 are both 0 cents.
const cents = (money: number): number => Math.round(money * 100) + 0

/** To the cent: less than half a cent apart (rounding both could still differ by float noise at a half cent). */
function assertSameToTheCent(attributedSum: number, saving: number, what: string): void {
  assert.ok(Math.abs(attributedSum - saving) < 0.005, `${what}: attributed ${attributedSum}, saved ${saving}`)
}

describe("each change's saving: its own and its pool effect", () => {
  it('explains a SIM that costs more on its own: the allowance it brings saves its pool a block', () => {
    // Two heavy SIMs overrun FLEX's pool by 20 MB (2 blocks of 10 MB at 5.00); an idle PAYG SIM moved
    // onto FLEX brings 26 MB of allowance: 6.09 more on its own line, 10.00 less on the pool's.
    const problem = problemOf({
      plans: [plan('PAYG', { monthlyRate: 0.5 }), plan('FLEX', { monthlyRate: 6.59, includedMb: 26, pooled: true, overageBlockMb: 10, overageBlockPrice: 5 })],
      sims: [{ usageMb: 36, plan: 'FLEX' }, { usageMb: 36, plan: 'FLEX' }, { usageMb: 0, plan: 'PAYG' }],
    })
    const result = attributed(problem, assignmentOf(problem, ['FLEX', 'FLEX', 'FLEX']))
    assert.equal(cents(result.ownSaving[2]!), -609)
    assert.equal(cents(result.poolEffect[2]!), 1000)
    assert.equal(cents(result.sum), cents(result.saving))
    assert.deepEqual([result.ownSaving[0], result.poolEffect[0]], [0, 0], 'a SIM that keeps its plan is attributed nothing')
  })

  it('gives a pool that stays within its allowance no effect, and identical changes identical effects', () => {
    const problem = problemOf({
      plans: [plan('PAYG', { monthlyRate: 0.5 }), plan('FLEX', { monthlyRate: 2, includedMb: 50, pooled: true, overageBlockMb: 100, overageBlockPrice: 30 })],
      sims: [{ usageMb: 120, plan: 'FLEX' }, { usageMb: 0, plan: 'PAYG' }, { usageMb: 0, plan: 'PAYG' }, { usageMb: 10, plan: 'FLEX' }],
    })
    // Before: 130 MB over 100 MB allowed, one block. After both idle SIMs join: 130 MB within 200 MB.
    const joined = attributed(problem, assignmentOf(problem, ['FLEX', 'FLEX', 'FLEX', 'FLEX']))
    assert.equal(joined.poolEffect[1], joined.poolEffect[2])
    assert.equal(cents(joined.poolEffect[1]!), 1500)
    assert.equal(cents(joined.sum), cents(joined.saving))
    // The 10 MB SIM leaving a pool already within its allowance: its pool neither gains nor loses.
    const roomy = problemOf({
      plans: [plan('PAYG', { monthlyRate: 0.5, overageBlockMb: 1, overageBlockPrice: 0.01 }), plan('FLEX', { monthlyRate: 2, includedMb: 50, pooled: true })],
      sims: [{ usageMb: 1, plan: 'FLEX' }, { usageMb: 10, plan: 'FLEX' }],
    })
    const left = attributed(roomy, assignmentOf(roomy, ['FLEX', 'PAYG']))
    assert.equal(left.poolEffect[1], 0)
    assert.equal(cents(left.ownSaving[1]!), 200 - 50 - 10)
  })

  it('credits a pool that charges less to the changes that took its excess out, not to those that spent the allowance they freed', () => {
    // One pool shared by SMALL (10 MB) and BIG (100 MB), 14 blocks over before. The heavy SIM leaves the pool,
    // which ends within its allowance; the idle SIM steps down from BIG to SMALL on the allowance freed.
    const problem = problemOf({
      plans: [
        plan('SMALL', { monthlyRate: 1, includedMb: 10, pooled: true, pool: 'SHARED', overageBlockMb: 10, overageBlockPrice: 5 }),
        plan('BIG', { monthlyRate: 5, includedMb: 100, pooled: true, pool: 'SHARED', overageBlockMb: 10, overageBlockPrice: 5 }),
        plan('OUT', { monthlyRate: 3, includedMb: 1000 }),
      ],
      sims: [{ usageMb: 250, plan: 'SMALL' }, { usageMb: 0, plan: 'BIG' }],
    })
    const result = attributed(problem, assignmentOf(problem, ['OUT', 'SMALL']))
    assert.deepEqual([cents(result.ownSaving[0]!), cents(result.poolEffect[0]!)], [-200, 7000], 'the heavy SIM took the 14 blocks out')
    assert.deepEqual([cents(result.ownSaving[1]!), cents(result.poolEffect[1]!)], [400, 0], 'the idle SIM spent allowance the pool no longer needed')
    assert.equal(cents(result.sum), cents(result.saving))
  })

  it('adds up to the saving to the cent on random problems and random assignments', () => {
    fc.assert(
      fc.property(
        problemArbitrary({ ...REALISTIC, maxSims: 16 }).chain((problem) => fc.record({ problem: fc.constant(problem), after: assignmentArbitrary(problem) })),
        ({ problem, after }) => {
          const result = attributed(problem, after)
          assertSameToTheCent(result.sum, result.saving, 'random assignment')
        },
      ),
      propertyRuns(1000),
    )
  })

  it("adds up to the optimizer's saving to the cent on random fleets of hundreds of SIMs", async () => {
    const random = new Random(22)
    for (let round = 0; round < 6; round++) {
      const problem = randomProblem(random, { sims: 100 + random.int(0, 200), plans: 3 + random.int(0, 5) })
      const result = await optimize(problem, { workers: 0 })
      const split = attributed(problem, result.assignment)
      assertSameToTheCent(split.sum, result.before.total - result.priced.total, `round ${round}`)
    }
  })

  it('adds up on Mobility fleets too, whose voice and SMS bundles are a SIM\'s own lines', async () => {
    const random = new Random(2121)
    for (let round = 0; round < 6; round++) {
      const problem = randomMobilityProblem(random, { sims: 100 + random.int(0, 200), plans: 3 + random.int(0, 5) })
      const result = await optimize(problem, { workers: 0 })
      const split = attributed(problem, result.assignment)
      assertSameToTheCent(split.sum, result.before.total - result.priced.total, `Mobility round ${round}`)
    }
  })
})
