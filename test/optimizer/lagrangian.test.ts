import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateFleet } from '../../src/demo/fleet-generator.js'
import { Random } from '../../src/demo/random.js'
import { MB_TOLERANCE, allowanceMb, monthlyCharge, prorationFactor, smsCharge, unpooledOverageCharge } from '../../src/domain/index.js'
import { splitComponents } from '../../src/optimizer/component.js'
import { maximizeDual } from '../../src/optimizer/dual-ascent.js'
import { LagrangianEvaluator } from '../../src/optimizer/lagrangian.js'
import { highs } from '../helpers/highs.js'
import { solveWithHighs } from '../helpers/highs-reference.js'

describe('the Lagrangian dual', () => {
  it('evaluates to the sum over SIMs of their cheapest plan at the prices, written out by hand', () => {
    const problem = generateFleet({ sims: 3000, plans: 14, seed: 12 })
    const [component] = splitComponents(problem)
    const evaluator = new LagrangianEvaluator(component!)
    const random = new Random(5)
    const { plans, poolOfPlan, pools, sims, billing, commPlans } = problem
    for (let trial = 0; trial < 20; trial++) {
      const lambda = Float64Array.from(component!.poolIndex, (pool) => random.next() * (pools[pool]!.overageBlockPrice / pools[pool]!.overageBlockMb))
      const globalLambda = new Float64Array(pools.length)
      component!.poolIndex.forEach((pool, k) => (globalLambda[pool] = lambda[k]!))
      let expected = 0
      for (let i = 0; i < sims.count; i++) {
        const factor = prorationFactor(sims.daysActive[i]!, billing)
        const cost = (p: number) => {
          const plan = plans[p]!
          const base = monthlyCharge(plan, factor) + smsCharge(plan, sims.sms[i]!)
          const pool = poolOfPlan[p]!
          return pool < 0 ? base + unpooledOverageCharge(plan, sims.usageMb[i]!, factor) : base + globalLambda[pool]! * (sims.usageMb[i]! - allowanceMb(plan, factor))
        }
        expected += sims.autoChange[i] === 1 ? Math.min(...commPlans[sims.commPlan[i]!]!.allowedPlans.map(cost)) : cost(sims.currentPlan[i]!)
      }
      for (const pool of component!.poolIndex) expected -= globalLambda[pool]! * MB_TOLERANCE
      const { value } = evaluator.evaluate(lambda)
      assert.ok(Math.abs(value - expected) <= 1e-9 * Math.abs(expected), `trial ${trial}: ${value} vs ${expected}`)
    }
  })

  it('reaches the LP relaxation’s optimum, as HiGHS computes it', async () => {
    for (const [sims, plans, seed] of [
      [2000, 15, 1],
      [1000, 40, 2],
    ] as const) {
      const problem = generateFleet({ sims, plans, seed })
      const relaxation = solveWithHighs(await highs(), problem, { integer: false })
      const bound = splitComponents(problem).reduce((sum, component) => sum + maximizeDual(new LagrangianEvaluator(component)).bound, 0)
      assert.ok(bound <= relaxation.value + 1e-9 * relaxation.value, `${sims}x${plans}: bound ${bound} above the LP ${relaxation.value}`)
      assert.ok(relaxation.value - bound <= 1e-6 * relaxation.value, `${sims}x${plans}: bound ${bound} short of the LP ${relaxation.value}`)
    }
  })
})
