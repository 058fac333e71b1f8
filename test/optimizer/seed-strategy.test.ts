import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateFleet } from '../../src/demo/fleet-generator.js'
import { allowedPlanMatrix, currentAssignment, priceAssignment } from '../../src/domain/index.js'
import { optimize, seedStrategy } from '../../src/optimizer/index.js'
import { plan, problemOf } from '../helpers/problems.js'

describe('seed strategy (the old system’s method)', () => {
  it('moves SIMs to the plans their usage fits', () => {
    const problem = problemOf({
      plans: [
        plan('S', { monthlyRate: 1, includedMb: 1, overageBlockPrice: 0.5 }),
        plan('M', { monthlyRate: 4, includedMb: 10, overageBlockPrice: 0.3 }),
        plan('L', { monthlyRate: 10, includedMb: 100, overageBlockPrice: 0.2 }),
      ],
      sims: [
        { usageMb: 0, plan: 'L' },
        { usageMb: 8, plan: 'S' },
        { usageMb: 90, plan: 'M' },
      ],
    })
    const assignment = seedStrategy(problem)
    assert.deepEqual(
      [...assignment].map((index) => problem.plans[index]!.code),
      ['S', 'M', 'L'],
    )
  })

  it('never returns something dearer than the current assignment, keeps locked SIMs and allowed plans', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const problem = generateFleet({ sims: 400, plans: 3 + (seed % 9), seed, prorate: seed % 2 === 0 })
      const assignment = seedStrategy(problem)
      const before = priceAssignment(problem, currentAssignment(problem)).total
      const after = priceAssignment(problem, assignment).total
      assert.ok(after <= before, `seed ${seed}: ${after} > ${before}`)
      const allowed = allowedPlanMatrix(problem.commPlans, problem.plans.length)
      for (let i = 0; i < problem.sims.count; i++) {
        assert.equal(allowed[problem.sims.commPlan[i]! * problem.plans.length + assignment[i]!], 1, `seed ${seed}, SIM ${i}: plan not allowed`)
        if (problem.sims.autoChange[i] === 0) assert.equal(assignment[i], problem.sims.currentPlan[i], `seed ${seed}, SIM ${i}: locked SIM moved`)
      }
    }
  })

  it('keeps the current assignment when nothing beats it', () => {
    const problem = problemOf({
      plans: [plan('ONLY', { monthlyRate: 3, includedMb: 5 }), plan('DEAR', { monthlyRate: 30, includedMb: 5 })],
      sims: [{ usageMb: 1, plan: 'ONLY' }, { usageMb: 9, plan: 'ONLY' }],
    })
    assert.deepEqual([...seedStrategy(problem)], [0, 0])
  })

  it('prices a comm group together with the SIMs of other groups in the same pool', () => {
    // Alone, 10.5 MB on POOL (10 MB included) buys a block: 2 against 1.90 on IND. But the SENSOR SIMs
    // leave 16 MB of the pool unused, so on POOL the GENERAL SIM costs 1 and no overage.
    const problem = problemOf({
      plans: [
        plan('POOL', { monthlyRate: 1, includedMb: 10, overageBlockPrice: 1, pooled: true }),
        plan('IND', { monthlyRate: 1.9, includedMb: 20, overageBlockPrice: 1 }),
      ],
      commPlans: { SENSOR: ['POOL'], GENERAL: ['POOL', 'IND'] },
      sims: [
        { usageMb: 2, plan: 'POOL', commPlan: 'SENSOR' },
        { usageMb: 2, plan: 'POOL', commPlan: 'SENSOR' },
        { usageMb: 10.5, plan: 'IND', commPlan: 'GENERAL' },
      ],
    })
    const assignment = seedStrategy(problem)
    assert.equal(problem.plans[assignment[2]!]!.code, 'POOL')
    assert.equal(priceAssignment(problem, assignment).total, 3)
  })

  it('is deterministic and reports exactly what the cost model gives', async () => {
    const problem = generateFleet({ sims: 2000, plans: 12, seed: 11 })
    const first = await optimize(problem, { strategy: 'seed' })
    const second = await optimize(problem, { strategy: 'seed' })
    assert.deepEqual(first.assignment, second.assignment)
    assert.equal(first.priced.total, priceAssignment(problem, first.assignment).total)
    assert.equal(first.before.total, priceAssignment(problem, currentAssignment(problem)).total)
    assert.equal(first.baselineCost, first.priced.total)
  })
})
