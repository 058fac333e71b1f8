import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Random } from '../../src/demo/random.js'
import { priceAssignment, subProblem } from '../../src/domain/index.js'
import { splitComponents, type Component } from '../../src/optimizer/component.js'
import { maximizeDual } from '../../src/optimizer/dual-ascent.js'
import { LagrangianEvaluator } from '../../src/optimizer/lagrangian.js'
import { ComponentLedger } from '../../src/optimizer/component-costs.js'
import { LocalSearch } from '../../src/optimizer/local-search.js'
import { extendFront, ORIGIN, type Front } from '../../src/optimizer/pareto-front.js'
import { improvePoolExactly } from '../../src/optimizer/pool-knapsack.js'
import { strengthenBound } from '../../src/optimizer/strengthen-bound.js'
import { bruteForceOptimum, randomProblem } from '../helpers/random-problems.js'

/** Each tiny random problem's components with pools, with the component's optimum by trying every assignment. */
function* tinyPooledComponents(seed: number, trials: number): Generator<{ component: Component; optimum: number }> {
  const random = new Random(seed)
  for (let trial = 0; trial < trials; trial++) {
    const problem = randomProblem(random, { sims: random.int(3, 8), plans: random.int(2, 4) })
    for (const component of splitComponents(problem)) {
      if (component.poolIndex.length === 0) continue
      const sub = subProblem(problem, component.simIndex)
      yield { component, optimum: bruteForceOptimum(sub, (assignment) => priceAssignment(sub, assignment).total) }
    }
  }
}

describe('Pareto fronts with a filter', () => {
  it('drop the points the filter rejects before the cap, and keep every other point of the unfiltered front', () => {
    const random = new Random(77)
    let front: Front = ORIGIN
    let unfiltered: Front = ORIGIN
    const keep = (mb: number, cost: number) => cost + mb / 2 < 30
    for (let item = 0; item < 12; item++) {
      // Every move adds at least 0 to cost + mb / 2, so a point the filter rejects stays rejected.
      const moves = Array.from({ length: random.int(1, 3) }, () => {
        const mb = random.int(-50, 50)
        return { mb, cost: -mb / 2 + random.int(0, 15) }
      })
      front = extendFront(front, moves, 1e6, 'fail', keep)!.front
      unfiltered = extendFront(unfiltered, moves, 1e6, 'fail')!.front
    }
    // Filtering each step then keeps exactly the final front's points that pass.
    const expected = Array.from(unfiltered.mb.keys()).filter((i) => keep(unfiltered.mb[i]!, unfiltered.cost[i]!))
    assert.deepEqual(Array.from(front.mb), expected.map((i) => unfiltered.mb[i]!))
    assert.deepEqual(Array.from(front.cost), expected.map((i) => unfiltered.cost[i]!))
    assert.ok(expected.length < unfiltered.mb.length, 'the filter rejected nothing: the check checks nothing')
  })

  it('let a capped search go on when the filter brings the front under the cap, and fail it otherwise', () => {
    const moves = [{ mb: 1, cost: -1 }]
    let front: Front = ORIGIN
    for (let item = 0; item < 6; item++) front = extendFront(front, moves, 100, 'fail')!.front
    assert.equal(front.mb.length, 7)
    assert.equal(extendFront(front, moves, 7, 'fail'), undefined)
    assert.equal(extendFront(front, moves, 7, 'fail', (mb) => mb <= 5)!.front.mb.length, 6)
  })
})

/**
 * The cheapest assignment a search of pool `k` can reach from `start`: each movable SIM stays or takes any
 * allowed plan such that it joins, leaves or moves within the pool (every combination tried).
 */
function bestPoolNeighbour(component: Component, start: Int32Array, k: number): number {
  const choice = start.slice()
  const sims = Array.from(choice.keys()).filter((s) => !component.locked[s])
  let best = Infinity
  const visit = (depth: number): void => {
    if (depth === sims.length) {
      best = Math.min(best, new ComponentLedger(component, choice).total())
      return
    }
    const s = sims[depth]!
    const p = start[s]!
    const set = component.optionSet[s]!
    for (let o = component.optionStart[set]!; o < component.optionStart[set + 1]!; o++) {
      const q = component.options[o]!
      if (q !== p && component.poolOfPlan[p] !== k && component.poolOfPlan[q] !== k) continue
      choice[s] = q
      visit(depth + 1)
    }
    choice[s] = p
  }
  visit(0)
  return best
}

describe('the pool search', () => {
  it('finds the best combination of moves in and out of a pool, on 200 tiny problems (its pruning drops none that pays)', () => {
    let checked = 0
    let improved = 0
    for (const { component } of tinyPooledComponents(4242, 200)) {
      for (let k = 0; k < component.poolIndex.length; k++) {
        // Apart from pool k, each move is priced as if alone; with one pool that is exact, so one search over
        // every SIM with an uncapped front must reach the best of all the combinations.
        if (component.poolIndex.length !== 1) continue
        const search = new LocalSearch(component, component.current.slice())
        const before = search.objective()
        const best = bestPoolNeighbour(component, component.current, k)
        improvePoolExactly(search, k, { maxItems: 1_000, maxPoints: 1e7 })
        search.ledger.recompute()
        assert.ok(Math.abs(search.objective() - best) <= 1e-9 * (1 + best), `search ${search.objective()} vs the best ${best}`)
        checked++
        if (before > best + 1e-9) improved++
      }
    }
    assert.ok(checked >= 60 && improved >= 30, `${checked} pools checked, ${improved} improved`)
  })
})

describe('the lumpy-pool bound', () => {
  it('never rises above the optimum of tiny problems, and rises above the dual on some', () => {
    let raised = 0
    for (const { component, optimum } of tinyPooledComponents(9191, 200)) {
      const evaluator = new LagrangianEvaluator(component, 0, 16)
      const root = maximizeDual(evaluator)
      // Incumbents above the optimum let more plans through the reduced-cost test; the bound must stay valid.
      for (const incumbent of [optimum, optimum * 1.01 + 1]) {
        const bound = strengthenBound(component, evaluator, root.lambda, root.bound, incumbent)
        assert.ok(bound <= optimum + 1e-9 * (1 + optimum), `bound ${bound} above the optimum ${optimum}`)
        if (bound > root.bound + 1e-6) raised++
      }
    }
    assert.ok(raised >= 20, `the exact pool raised the bound only ${raised} times`)
  })
})
