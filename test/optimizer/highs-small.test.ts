import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateFleet } from '../../src/demo/fleet-generator.js'
import { priceAssignment } from '../../src/domain/index.js'
import { lagrangianStrategy } from '../../src/optimizer/index.js'
import { highs } from '../helpers/highs.js'
import { solveWithHighs } from '../helpers/highs-reference.js'

/** 100 to 300 SIMs, 6 to 10 plans, every shape the generator makes, half of them prorated. */
const INSTANCES = Array.from({ length: 16 }, (_, index) => {
  const seed = 101 + index
  return { seed, sims: 100 + ((seed * 37) % 201), plans: 6 + (seed % 5), prorate: seed % 2 === 0 }
})

describe('the optimizer on small problems, against the MILP solver HiGHS', () => {
  for (const instance of INSTANCES) {
    it(`${instance.sims} SIMs x ${instance.plans} plans (seed ${instance.seed}): within 0.01% of HiGHS's best, bound below it`, async () => {
      const problem = generateFleet(instance)
      const reference = solveWithHighs(await highs(), problem, { integer: true, timeLimitSeconds: 60 })
      assert.ok(Number.isFinite(reference.value), `HiGHS found no solution (${reference.status})`)
      // HiGHS's own assignment priced by our cost model: the two formulations agree.
      assert.ok(Math.abs(priceAssignment(problem, reference.assignment!).total - reference.value) < 1e-6 * reference.value)

      const result = await lagrangianStrategy(problem, { workers: 0 })
      const cost = priceAssignment(problem, result.assignment).total
      assert.ok(cost <= reference.value * (1 + 1e-4), `ours ${cost} vs HiGHS ${reference.value} (${reference.status})`)
      assert.ok(result.lowerBound <= reference.value + 1e-9 * reference.value, `bound ${result.lowerBound} above HiGHS's ${reference.value}`)
    })
  }
})
