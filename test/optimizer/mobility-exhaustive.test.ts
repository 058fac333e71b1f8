import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Random } from '../../src/demo/random.js'
import { currentAssignment, priceAssignment } from '../../src/domain/index.js'
import { lagrangianStrategy, seedStrategy } from '../../src/optimizer/index.js'
import { bruteForceOptimum, randomMobilityProblem } from '../helpers/random-problems.js'

const TRIALS = 120

describe('the optimizer on tiny Mobility fleets, against trying every assignment', () => {
  it(`finds the optimum with a valid bound on ${TRIALS} random fleets of up to 7 SIMs and 5 plans`, async () => {
    const random = new Random(21)
    for (let trial = 0; trial < TRIALS; trial++) {
      const problem = randomMobilityProblem(random, { sims: random.int(1, 7), plans: random.int(1, 5) })
      const optimum = bruteForceOptimum(problem, (assignment) => priceAssignment(problem, assignment).total)
      const result = await lagrangianStrategy(problem, { workers: 0 })
      const cost = priceAssignment(problem, result.assignment).total
      assert.ok(Math.abs(cost - optimum) <= 1e-9 * (1 + optimum), `trial ${trial}: ${cost} vs optimum ${optimum}`)
      assert.ok(result.lowerBound <= optimum + 1e-9 * (1 + optimum), `trial ${trial}: bound ${result.lowerBound} above ${optimum}`)
    }
  })

  it('keeps the bound valid through the dual path (no enumeration), never worse than no change', async () => {
    const random = new Random(2121)
    for (let trial = 0; trial < TRIALS; trial++) {
      const problem = randomMobilityProblem(random, { sims: random.int(2, 7), plans: random.int(2, 5) })
      const optimum = bruteForceOptimum(problem, (assignment) => priceAssignment(problem, assignment).total)
      const result = await lagrangianStrategy(problem, { workers: 0, exhaustiveLimit: 0 })
      const cost = priceAssignment(problem, result.assignment).total
      assert.ok(cost >= optimum - 1e-9 * (1 + optimum), `trial ${trial}: ${cost} below the optimum ${optimum}`)
      assert.ok(cost <= priceAssignment(problem, currentAssignment(problem)).total + 1e-9, `trial ${trial}: worse than no change`)
      assert.ok(result.lowerBound <= optimum + 1e-9 * (1 + optimum), `trial ${trial}: bound ${result.lowerBound} above ${optimum}`)
    }
  })

  it('moves SIMs only within their group and rate plan type, the seed baseline too', async () => {
    const random = new Random(5)
    for (let trial = 0; trial < 40; trial++) {
      const problem = randomMobilityProblem(random, { sims: 12, plans: 6 })
      for (const assignment of [(await lagrangianStrategy(problem, { workers: 0 })).assignment, seedStrategy(problem)]) {
        for (let i = 0; i < problem.sims.count; i++) {
          const from = problem.plans[problem.sims.currentPlan[i]!]!
          const to = problem.plans[assignment[i]!]!
          assert.equal(to.type, from.type, `trial ${trial}: SIM ${i} changed type`)
          assert.equal(to.pool, from.pool, `trial ${trial}: SIM ${i} changed group`)
        }
      }
    }
  })
})
