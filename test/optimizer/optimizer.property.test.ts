import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { allowedPlanMatrix, currentAssignment, priceAssignment, type Problem } from '../../src/domain/index.js'
import { lagrangianStrategy, optimize, seedStrategy } from '../../src/optimizer/index.js'
import { REALISTIC, problemArbitrary } from '../helpers/problem-arbitraries.js'
import { propertyRuns } from '../helpers/property.js'
import { bruteForceOptimum } from '../helpers/random-problems.js'

/** Costs differ by float noise only: summing the same charges in another order. */
const NOISE = 1e-9

const PROBLEMS = problemArbitrary({ ...REALISTIC, maxSims: 14 })
/** Small enough, mostly, to try every assignment. */
const TINY_PROBLEMS = problemArbitrary({ ...REALISTIC, maxPlans: 4, maxSims: 6 })

function assertAllowed(problem: Problem, assignment: Int32Array): void {
  const allowed = allowedPlanMatrix(problem.commPlans, problem.plans.length)
  for (let i = 0; i < problem.sims.count; i++) {
    assert.equal(allowed[problem.sims.commPlan[i]! * problem.plans.length + assignment[i]!], 1, `SIM ${i}: plan ${assignment[i]} not allowed`)
    if (problem.sims.autoChange[i] === 0) assert.equal(assignment[i], problem.sims.currentPlan[i], `SIM ${i} must keep its plan`)
  }
}

/** Assignments brute force would try; small enough to try them all. */
function searchSpace(problem: Problem): number {
  let size = 1
  for (let i = 0; i < problem.sims.count; i++) {
    if (problem.sims.autoChange[i] === 1) size *= problem.commPlans[problem.sims.commPlan[i]!]!.allowedPlans.length
  }
  return size
}

describe('the optimizer (property)', () => {
  for (const strategy of ['lagrangian', 'seed'] as const) {
    it(`${strategy}: reports the cost model’s price of its assignment, never above the current one’s, and the seed’s as baseline`, async () => {
      await fc.assert(
        fc.asyncProperty(PROBLEMS, fc.option(fc.constantFrom(0.01, 0.5, 5)), async (problem, minSaving) => {
          const result = await optimize(problem, { strategy, workers: 0, ...(minSaving === null ? {} : { minSavingPerChange: minSaving }) })
          assertAllowed(problem, result.assignment)
          const priced = priceAssignment(problem, result.assignment)
          assert.equal(result.priced.total, priced.total)
          assert.deepEqual([result.priced.monthly, result.priced.sms, result.priced.overage], [priced.monthly, priced.sms, priced.overage])
          const before = priceAssignment(problem, currentAssignment(problem))
          assert.equal(result.before.total, before.total)
          assert.ok(result.priced.total <= before.total, `${result.priced.total} above the current ${before.total}`)
          assert.equal(result.baselineCost, priceAssignment(problem, seedStrategy(problem)).total)
          if (strategy === 'lagrangian') {
            assert.ok(result.lowerBound !== undefined && result.lowerBound <= result.priced.total + NOISE * Math.max(1, result.priced.total), `bound ${result.lowerBound} above the cost ${result.priced.total}`)
          } else {
            assert.equal(result.lowerBound, undefined)
          }
        }),
        propertyRuns(strategy === 'seed' ? 400 : 250),
      )
    })
  }

  it('lagrangian: its own assignment (before optimize’s guard) is allowed and no dearer than the current one, its bound below the optimum', async () => {
    await fc.assert(
      fc.asyncProperty(TINY_PROBLEMS, async (problem) => {
        const result = await lagrangianStrategy(problem, { workers: 0 })
        assertAllowed(problem, result.assignment)
        const cost = priceAssignment(problem, result.assignment).total
        const before = priceAssignment(problem, currentAssignment(problem)).total
        assert.ok(cost <= before + NOISE * Math.max(1, before), `${cost} above the current ${before}`)
        if (searchSpace(problem) <= 5000) {
          const optimum = bruteForceOptimum(problem, (assignment) => priceAssignment(problem, assignment).total)
          assert.ok(result.lowerBound <= optimum + NOISE * Math.max(1, optimum), `bound ${result.lowerBound} above the optimum ${optimum}`)
          assert.ok(cost >= optimum - NOISE * Math.max(1, optimum))
        }
      }),
      propertyRuns(250),
    )
  })
})
