/**
 * Is a big component's gap in the assignment? (issue 18.) HiGHS cannot solve a 10k-SIM, 56-pool component,
 * but it can solve neighbourhoods of our answer exactly: every SIM keeps our plan except those touching a
 * few pools, which may take any plan they are allowed (every pool priced exactly, the locked SIMs' excess
 * included). A neighbourhood cheaper than ours proves the assignment improvable, and by how much.
 *
 *   node dist/bench/lns-probe.js KIND SIMS PLANS SEED [POOLS_PER_NEIGHBOURHOOD=2] [NEIGHBOURHOODS=12] [FREE_SIMS=600] [HIGHS_SECONDS=15]
 *
 * Neighbourhoods: the pool sets with the most SIMs near a tie between them (an option in each within the
 * gap of reduced cost at the root prices); free SIMs are those on the sets' plans or with an option in
 * them within the gap, cheapest reduced cost first, at most FREE_SIMS.
 */
import { priceAssignment, subProblem } from '../src/domain/index.js'
import { splitComponents, type Component } from '../src/optimizer/component.js'
import { maximizeDual } from '../src/optimizer/dual-ascent.js'
import { LagrangianEvaluator } from '../src/optimizer/lagrangian.js'
import { solveComponent } from '../src/optimizer/solve-component.js'
import { highs } from '../test/helpers/highs.js'
import { solveWithHighs } from '../test/helpers/highs-reference.js'
import { hardFleet, type HardKind } from './hard-catalogs.js'
import { instance } from './instances.js'

const [kind, sims, plans, seed, perSet = '2', count = '12', freeMax = '600', highsSeconds = '15'] = process.argv.slice(2)
const problem = kind === 'gen' ? instance({ sims: Number(sims), plans: Number(plans) }) : hardFleet({ kind: kind as HardKind, sims: Number(sims), plans: Number(plans), seed: Number(seed) })
const component: Component = splitComponents(problem)[0]!
const sub = subProblem(problem, component.simIndex)
const solution = solveComponent(component)
const ours = sub.sims.currentPlan.slice()
for (let s = 0; s < component.simIndex.length; s++) ours[s] = component.planIndex[solution.choice[s]!]!
const oursCost = priceAssignment(sub, ours).total
const gap = oursCost - solution.bound
console.log(`component: ${component.simIndex.length} SIMs, ${component.poolIndex.length} pools; ours ${oursCost.toFixed(2)}, bound ${solution.bound.toFixed(2)}, gap ${gap.toFixed(2)}`)

const evaluator = new LagrangianEvaluator(component, 0, 16)
const { lambda } = maximizeDual(evaluator, { tolerance: 1e-7, maxEvaluations: 400, radius: 0.25 })
// Per SIM: reduced cost of each option at the root prices.
const n = component.simIndex.length
const reduced: Float64Array[] = []
for (let s = 0; s < n; s++) {
  const set = component.optionSet[s]!
  const costs = new Float64Array(component.optionStart[set + 1]! - component.optionStart[set]!)
  for (let o = component.optionStart[set]!; o < component.optionStart[set + 1]!; o++) costs[o - component.optionStart[set]!] = evaluator.optionCost(s, component.options[o]!, lambda)
  const cheapest = Math.min(...costs)
  for (let i = 0; i < costs.length; i++) costs[i]! -= cheapest
  reduced.push(costs)
}
const poolOf = (p: number) => component.poolOfPlan[p]!
let carried = 0
for (let s = 0; s < n; s++) {
  if (component.locked[s]) continue
  const set = component.optionSet[s]!
  for (let o = component.optionStart[set]!; o < component.optionStart[set + 1]!; o++) if (component.options[o] === solution.choice[s]) carried += reduced[s]![o - component.optionStart[set]!]!
}
console.log(`reduced cost carried by our assignment at the root prices: ${carried.toFixed(2)}`)

// Pairs of pools weighted by the SIMs near a tie between them.
const pools = component.poolIndex.length
const weight = new Float64Array(pools * pools)
for (let s = 0; s < n; s++) {
  if (component.locked[s]) continue
  const set = component.optionSet[s]!
  const near = new Set<number>()
  for (let o = component.optionStart[set]!; o < component.optionStart[set + 1]!; o++) {
    const k = poolOf(component.options[o]!)
    if (k >= 0 && reduced[s]![o - component.optionStart[set]!]! <= gap) near.add(k)
  }
  const list = [...near]
  for (const a of list) for (const b of list) if (a < b) weight[a * pools + b]! += Math.max(component.usageMb[s]!, 1)
}
const pairs: [number, number][] = []
for (let a = 0; a < pools; a++) for (let b = a + 1; b < pools; b++) if (weight[a * pools + b]! > 0) pairs.push([a, b])
pairs.sort((x, y) => weight[y[0] * pools + y[1]]! - weight[x[0] * pools + x[1]]!)

const neighbourhoods: number[][] = []
if (process.env.LNS_SETS) neighbourhoods.push(...process.env.LNS_SETS.split(',').map((set) => set.split('+').map(Number)))
else if (Number(perSet) === 1) for (let k = 0; k < pools; k++) neighbourhoods.push([k])
else if (Number(perSet) === 2) neighbourhoods.push(...pairs)
else {
  // Triples: each top pair with the pool tied most to either.
  for (const [a, b] of pairs) {
    let best = -1
    let bestWeight = 0
    for (let c = 0; c < pools; c++) {
      if (c === a || c === b) continue
      const w = weight[Math.min(a, c) * pools + Math.max(a, c)]! + weight[Math.min(b, c) * pools + Math.max(b, c)]!
      if (w > bestWeight) (bestWeight = w), (best = c)
    }
    if (best >= 0) neighbourhoods.push([a, b, best])
  }
}

const solver = await highs()
let current = ours.slice()
let currentCost = oursCost
let tried = 0
for (const set of neighbourhoods) {
  if (tried++ >= Number(count)) break
  const inSet = (p: number) => set.includes(poolOf(p))
  const candidates: { s: number; r: number }[] = []
  const local = (plan: number) => component.planIndex.indexOf(plan)
  for (let s = 0; s < n; s++) {
    if (component.locked[s]) continue
    const set2 = component.optionSet[s]!
    let best = Infinity
    for (let o = component.optionStart[set2]!; o < component.optionStart[set2 + 1]!; o++) if (inSet(component.options[o]!)) best = Math.min(best, reduced[s]![o - component.optionStart[set2]!]!)
    if (inSet(local(current[s]!))) candidates.push({ s, r: -1 })
    else if (best <= gap) candidates.push({ s, r: best })
  }
  candidates.sort((x, y) => x.r - y.r || x.s - y.s)
  const free = new Set(candidates.slice(0, Number(freeMax)).map((c) => c.s))
  const neighbourhood = subProblem(sub, Int32Array.from({ length: n }, (_, s) => s))
  for (let s = 0; s < n; s++) {
    neighbourhood.sims.currentPlan[s] = current[s]!
    if (!free.has(s)) neighbourhood.sims.autoChange[s] = 0
  }
  const reference = solveWithHighs(solver, neighbourhood, { integer: true, timeLimitSeconds: Number(highsSeconds) })
  const improved = Number.isFinite(reference.value) && reference.value < currentCost - 1e-6
  console.log(`pools ${set.join('+')}: ${free.size} free SIMs (${candidates.length} near), HiGHS ${reference.status} ${reference.value.toFixed(2)} (bound ${reference.dualBound.toFixed(2)}, ${reference.seconds.toFixed(1)} s)${improved ? ` IMPROVES by ${(currentCost - reference.value).toFixed(2)}` : ''}`)
  if (improved && reference.assignment) {
    const priced = priceAssignment(sub, reference.assignment).total
    if (priced < currentCost - 1e-6) {
      const moved: string[] = []
      for (let s = 0; s < n; s++) {
        if (reference.assignment[s] === current[s]) continue
        const from = local(current[s]!)
        const to = local(reference.assignment[s]!)
        moved.push(`${component.usageMb[s]!.toFixed(1)} MB (f ${component.factor[s]!.toFixed(2)}) ${problem.plans[current[s]!]!.code}[${poolOf(from)}] -> ${problem.plans[reference.assignment[s]!]!.code}[${poolOf(to)}]`)
      }
      console.log(`  ${moved.length} moved: ${moved.slice(0, 30).join('; ')}`)
      current = reference.assignment.slice()
      currentCost = priced
    }
  }
}
console.log(`\nafter ${Math.min(tried, Number(count))} neighbourhoods: ${currentCost.toFixed(2)} (ours ${oursCost.toFixed(2)}, bound ${solution.bound.toFixed(2)}; gap ${(((currentCost - solution.bound) / currentCost) * 100).toFixed(4)}% against ${((gap / oursCost) * 100).toFixed(4)}%)`)
