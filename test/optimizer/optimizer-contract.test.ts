import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateFleet } from '../../src/demo/fleet-generator.js'
import { Random } from '../../src/demo/random.js'
import { allowedPlanMatrix, currentAssignment, priceAssignment, type Problem } from '../../src/domain/index.js'
import { lagrangianStrategy, optimize } from '../../src/optimizer/index.js'
import { plan, problemOf } from '../helpers/problems.js'
import { randomProblem } from '../helpers/random-problems.js'

function assertAssignmentAllowed(problem: Problem, assignment: Int32Array, label: string): void {
  const allowed = allowedPlanMatrix(problem.commPlans, problem.plans.length)
  for (let i = 0; i < problem.sims.count; i++) {
    assert.equal(allowed[problem.sims.commPlan[i]! * problem.plans.length + assignment[i]!], 1, `${label}, SIM ${i}: plan not allowed`)
    if (problem.sims.autoChange[i] === 0) assert.equal(assignment[i], problem.sims.currentPlan[i], `${label}, SIM ${i}: a locked SIM moved`)
  }
}

describe('the optimizer’s contract', () => {
  it('reports exactly the cost model’s total, a bound below it, and never worse than no change', async () => {
    const random = new Random(11)
    for (let trial = 0; trial < 24; trial++) {
      const problem =
        trial % 2 === 0
          ? randomProblem(random, { sims: random.int(20, 200), plans: random.int(2, 8) })
          : generateFleet({ sims: 300 + trial * 40, plans: 4 + trial, seed: trial, prorate: trial % 4 === 1 })
      const result = await optimize(problem, { workers: 0 })
      assert.equal(result.priced.total, priceAssignment(problem, result.assignment).total, `trial ${trial}`)
      assert.ok(result.priced.total <= result.before.total + 1e-9, `trial ${trial}: worse than no change`)
      assert.ok(result.lowerBound !== undefined && result.lowerBound <= result.priced.total + 1e-9, `trial ${trial}: bound above the cost`)
      assertAssignmentAllowed(problem, result.assignment, `trial ${trial}`)
    }
  })

  it('beats the old system’s method and reports its cost as the baseline', async () => {
    const problem = generateFleet({ sims: 5000, plans: 12, seed: 5 })
    const result = await optimize(problem, { workers: 0 })
    const seed = await optimize(problem, { strategy: 'seed' })
    assert.equal(result.baselineCost, seed.priced.total)
    assert.ok(result.priced.total < seed.priced.total)
  })

  it('is deterministic, on one thread or several', async () => {
    // Four communication plans over disjoint plans: four independent components.
    const plans = Array.from({ length: 8 }, (_, p) => plan(`P${p}`, { monthlyRate: 1 + p, includedMb: 5 * (p + 1) ** 2, overageBlockPrice: 0.3, pooled: p % 2 === 0 }))
    const random = new Random(9)
    const commPlans = Object.fromEntries([0, 1, 2, 3].map((c) => [`C${c}`, [`P${2 * c}`, `P${2 * c + 1}`]]))
    const problem = problemOf({
      plans,
      commPlans,
      sims: Array.from({ length: 4000 }, () => {
        const c = random.int(0, 3)
        return { usageMb: random.logNormal(20, 1.5), plan: `P${2 * c + random.int(0, 1)}`, commPlan: `C${c}` }
      }),
    })
    const inline = await lagrangianStrategy(problem, { workers: 0 })
    const again = await lagrangianStrategy(problem, { workers: 0 })
    const threaded = await lagrangianStrategy(problem, { workers: 2 })
    assert.equal(inline.components, 4)
    assert.deepEqual(again.assignment, inline.assignment)
    assert.deepEqual(threaded.assignment, inline.assignment)
    assert.equal(threaded.lowerBound, inline.lowerBound)
  })

  it('handles 100 plans in one communication plan', async () => {
    const problem = generateFleet({ sims: 3000, plans: 100, seed: 4, commPlans: 'single' })
    assert.equal(problem.commPlans[0]!.allowedPlans.length, 100)
    const result = await optimize(problem, { workers: 0 })
    assert.ok(result.lowerBound !== undefined && result.lowerBound <= result.priced.total)
    assert.ok(result.priced.total < result.baselineCost)
    // 3,000 SIMs over 48 pools leave each pool lumpy, so the LP bound is loose here; at scale it is not.
    assert.ok((result.priced.total - result.lowerBound) / result.priced.total < 0.02, 'within 2% of the bound')
  })

  it('keeps SIMs that must not change on their plan, and still counts them in their pool', async () => {
    const pooled = plan('POOL', { monthlyRate: 2, includedMb: 10, overageBlockPrice: 1, pooled: true })
    const single = plan('SINGLE', { monthlyRate: 5, includedMb: 100, overageBlockPrice: 1 })
    // The locked SIM uses 30 MB of the pool; the free SIM moving in would push the pool over.
    const problem = problemOf({
      plans: [pooled, single],
      sims: [
        { usageMb: 30, plan: 'POOL', autoChange: false },
        { usageMb: 9, plan: 'SINGLE' },
        { usageMb: 0, plan: 'SINGLE' },
      ],
    })
    const result = await optimize(problem, { workers: 0 })
    assert.equal(result.assignment[0], 0, 'the locked SIM stays on POOL')
    assert.equal(result.priced.total, priceAssignment(problem, result.assignment).total)
    // Best: both free SIMs join the pool, bringing 20 MB for 39 MB used: 9 MB over, 9 blocks; 6 + 9 = 15,
    // against 2 + 20 (locked alone) + 5 + 5 = 32 as they are.
    assert.equal(result.priced.total, 15)
  })

  it('changes a SIM only when the change alone saves the minimum saving', async () => {
    const problem = generateFleet({ sims: 4000, plans: 12, seed: 8 })
    const free = await optimize(problem, { workers: 0 })
    const minimum = 0.5
    const thrifty = await optimize(problem, { workers: 0, minSavingPerChange: minimum })
    const changes = (assignment: Int32Array) => assignment.reduce((count, plan, i) => count + (plan === problem.sims.currentPlan[i] ? 0 : 1), 0)
    assert.ok(changes(thrifty.assignment) < changes(free.assignment), 'fewer changes')
    assert.ok(thrifty.priced.total >= free.priced.total - 1e-9 && thrifty.priced.total < thrifty.before.total)
    assert.ok(thrifty.lowerBound! <= free.priced.total + 1e-9, 'the bound is still a bound on the bill')
    for (let i = 0; i < problem.sims.count; i++) {
      if (thrifty.assignment[i] === problem.sims.currentPlan[i]) continue
      const undone = thrifty.assignment.slice()
      undone[i] = problem.sims.currentPlan[i]!
      const saving = priceAssignment(problem, undone).total - thrifty.priced.total
      assert.ok(saving >= minimum - 1e-9, `SIM ${i}: its change saves only ${saving}`)
    }
    assert.deepEqual(currentAssignment(problem).length, problem.sims.count)
  })
})
