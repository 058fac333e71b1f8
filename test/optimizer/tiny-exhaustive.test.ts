import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Random } from '../../src/demo/random.js'
import { currentAssignment, priceAssignment } from '../../src/domain/index.js'
import { splitComponents } from '../../src/optimizer/component.js'
import { lagrangianStrategy } from '../../src/optimizer/index.js'
import { bruteForceOptimum, randomProblem } from '../helpers/random-problems.js'

const TRIALS = 150

describe('the optimizer on tiny problems, against trying every assignment', () => {
  it(`finds the exact optimum of ${TRIALS} random problems of up to 8 SIMs and 4 plans`, async () => {
    const random = new Random(2026)
    for (let trial = 0; trial < TRIALS; trial++) {
      const problem = randomProblem(random, { sims: random.int(1, 8), plans: random.int(1, 4) })
      const optimum = bruteForceOptimum(problem, (assignment) => priceAssignment(problem, assignment).total)
      const result = await lagrangianStrategy(problem, { workers: 0 })
      const cost = priceAssignment(problem, result.assignment).total
      assert.ok(Math.abs(cost - optimum) <= 1e-9 * (1 + optimum), `trial ${trial}: ${cost} vs optimum ${optimum}`)
      assert.ok(result.lowerBound <= optimum + 1e-9 * (1 + optimum), `trial ${trial}: bound ${result.lowerBound} above ${optimum}`)
    }
  })

  it('gives a valid bound and never beats the optimum through the dual path too (no enumeration)', async () => {
    const random = new Random(7)
    let exact = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const problem = randomProblem(random, { sims: random.int(2, 8), plans: random.int(2, 4) })
      const optimum = bruteForceOptimum(problem, (assignment) => priceAssignment(problem, assignment).total)
      const result = await lagrangianStrategy(problem, { workers: 0, exhaustiveLimit: 0 })
      const cost = priceAssignment(problem, result.assignment).total
      assert.ok(cost >= optimum - 1e-9 * (1 + optimum), `trial ${trial}: ${cost} below the optimum ${optimum}`)
      assert.ok(cost <= priceAssignment(problem, currentAssignment(problem)).total + 1e-9, `trial ${trial}: worse than no change`)
      assert.ok(result.lowerBound <= optimum + 1e-9 * (1 + optimum), `trial ${trial}: bound ${result.lowerBound} above ${optimum}`)
      if (cost <= optimum + 1e-9 * (1 + optimum)) exact++
    }
    // Without enumeration, the exact pool searches still find the optimum of nearly all of them.
    assert.ok(exact >= TRIALS * 0.95, `only ${exact} of ${TRIALS} exact`)
  })

  it('splits problems into independent components', () => {
    const random = new Random(3)
    const problem = randomProblem(random, { sims: 8, plans: 4 })
    const components = splitComponents(problem)
    const covered = components.flatMap((component) => [...component.simIndex]).sort((a, b) => a - b)
    assert.deepEqual(covered, Array.from({ length: problem.sims.count }, (_, i) => i))
  })
})
