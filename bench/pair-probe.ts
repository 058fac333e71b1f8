/**
 * Prototype (issue 18): pool pairs searched with the partner pool priced at several prices. For a pair
 * (A, B), pool A's exact search runs with B's excess charged at μ per MB (μ from 0 to B's O/D) and the other
 * pools at their dual prices; the result is settled by sweeps and repairs and kept if the bill went down.
 *
 *   node dist/bench/pair-probe.js KIND SIMS PLANS SEED [PAIRS=20] [STEPS=5]
 */
import { priceAssignment, subProblem } from '../src/domain/index.js'
import { splitComponents } from '../src/optimizer/component.js'
import { maximizeDual } from '../src/optimizer/dual-ascent.js'
import { LagrangianEvaluator } from '../src/optimizer/lagrangian.js'
import { LocalSearch } from '../src/optimizer/local-search.js'
import { DEFAULT_OPTIMIZER_OPTIONS } from '../src/optimizer/options.js'
import { improvePoolExactly } from '../src/optimizer/pool-knapsack.js'
import { solveComponent } from '../src/optimizer/solve-component.js'
import { hardFleet, type HardKind } from './hard-catalogs.js'

const [kind, sims, plans, seed, pairCount = '20', steps = '5'] = process.argv.slice(2)
const problem = hardFleet({ kind: kind as HardKind, sims: Number(sims), plans: Number(plans), seed: Number(seed) })
const component = splitComponents(problem)[0]!
const solution = solveComponent(component)
const evaluator = new LagrangianEvaluator(component, 0, 16)
const { lambda } = maximizeDual(evaluator, {})
const pools = component.poolIndex.length
const started = process.cpuUsage()
let choice = solution.choice.slice()
let best = new LocalSearch(component, choice.slice()).ledger.total()
const first = best
console.log(`ours ${best.toFixed(2)} bound ${solution.bound.toFixed(2)}`)
// Pairs: pools sharing an option set (some SIM may use both).
const pairs: [number, number][] = []
for (let a = 0; a < pools; a++) {
  for (let b = 0; b < pools; b++) {
    if (a === b) continue
    let shared = false
    for (let set = 0; set + 1 < component.optionStart.length && !shared; set++) {
      let hasA = false
      let hasB = false
      for (let o = component.optionStart[set]!; o < component.optionStart[set + 1]!; o++) {
        hasA ||= component.poolOfPlan[component.options[o]!] === a
        hasB ||= component.poolOfPlan[component.options[o]!] === b
      }
      shared = hasA && hasB
    }
    if (shared) pairs.push([a, b])
  }
}
console.log(`${pairs.length} ordered pairs`)
let tried = 0
for (const [a, b] of pairs) {
  if (tried++ >= Number(pairCount)) break
  const ceiling = component.poolBlockPrice[b]! / component.poolBlockMb[b]!
  for (let step = 0; step <= Number(steps); step++) {
    const prices = lambda.slice()
    prices[b] = (ceiling * step) / Number(steps)
    const search = new LocalSearch(component, choice.slice(), { prices, tuning: DEFAULT_OPTIMIZER_OPTIONS, budget: Infinity })
    const moved = improvePoolExactly(search, a, { maxItems: 200, maxPoints: 4000, price: prices[a], priced: true })
    if (moved === 0) continue
    search.ledger.recompute()
    for (let round = 0; round < 5 && search.sweep() + search.repairPools() > 0; round++) search.ledger.recompute()
    search.ledger.recompute()
    const total = search.ledger.total()
    if (total < best - 1e-9) {
      console.log(`pair ${a}->${b} μ ${prices[b]!.toExponential(2)}: ${best.toFixed(2)} -> ${total.toFixed(2)} (${moved} moved)`)
      best = total
      choice = search.choice.slice()
    }
  }
}
const cpu = process.cpuUsage(started)
const sub = subProblem(problem, component.simIndex)
const assignment = Int32Array.from(choice, (p) => component.planIndex[p]!)
console.log(`after: ${priceAssignment(sub, assignment).total.toFixed(2)} (from ${first.toFixed(2)}), gap ${(((best - solution.bound) / best) * 100).toFixed(4)}%, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`)
