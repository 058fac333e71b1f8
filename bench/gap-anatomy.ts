/**
 * Where a fleet's gap lies (issue 18): per component, our cost and certified bound against HiGHS's MILP
 * (its best answer and its proven bound, within a time limit). A component where HiGHS proves an optimum
 * below our cost has gap in the assignment; one where the optimum is above our bound has gap in the bound.
 *
 *   node dist/bench/gap-anatomy.js KIND SIMS PLANS SEED [HIGHS_SECONDS=20] [MAX_COMPONENTS=all] [MAX_SIMS=5000]
 *
 * Prints one line per component solved by both (largest gap first) and the sums over them. Components over
 * MAX_SIMS are solved by us only (HiGHS gives no answer on 10k-SIM, many-pool components in minutes).
 */
import { priceAssignment, subProblem } from '../src/domain/index.js'
import { splitComponents } from '../src/optimizer/component.js'
import { solveComponent } from '../src/optimizer/solve-component.js'
import { highs } from '../test/helpers/highs.js'
import { solveWithHighs } from '../test/helpers/highs-reference.js'
import { hardFleet, type HardKind } from './hard-catalogs.js'

const [kind, sims, plans, seed, highsSeconds = '20', maxComponents = 'all', maxSims = '5000'] = process.argv.slice(2)
const problem = hardFleet({ kind: kind as HardKind, sims: Number(sims), plans: Number(plans), seed: Number(seed) })
const components = splitComponents(problem)
const solver = await highs()

interface Line {
  readonly index: number
  readonly sims: number
  readonly pools: number
  readonly ours: number
  readonly bound: number
  readonly best: number
  readonly proven: number
  readonly status: string
}

const lines: Line[] = []
let oursTotal = 0
let boundTotal = 0
const limit = maxComponents === 'all' ? components.length : Number(maxComponents)
for (const [index, component] of components.entries()) {
  const sub = subProblem(problem, component.simIndex)
  const solution = solveComponent(component)
  const assignment = sub.sims.currentPlan.slice()
  for (let s = 0; s < component.simIndex.length; s++) assignment[s] = component.planIndex[solution.choice[s]!]!
  const ours = priceAssignment(sub, assignment).total
  oursTotal += ours
  boundTotal += solution.bound
  if (index >= limit || component.simIndex.length > Number(maxSims) || ours - solution.bound <= 1e-9 * ours) {
    if (component.simIndex.length > Number(maxSims)) console.log(`component ${index}: ${component.simIndex.length} SIMs, ${component.poolIndex.length} pools, ours ${ours.toFixed(2)}, bound ${solution.bound.toFixed(2)} (not given to HiGHS)`)
    continue
  }
  const reference = solveWithHighs(solver, sub, { integer: true, timeLimitSeconds: Number(highsSeconds) })
  lines.push({ index, sims: component.simIndex.length, pools: component.poolIndex.length, ours, bound: solution.bound, best: reference.value, proven: reference.dualBound, status: reference.status })
}

lines.sort((a, b) => b.ours - b.bound - (a.ours - a.bound))
console.log('| component | SIMs | pools | ours | our bound | HiGHS best | HiGHS bound | status | ours - HiGHS best | HiGHS bound - our bound |')
console.log('|---|---|---|---|---|---|---|---|---|---|')
let assignmentGap = 0
let boundGap = 0
for (const line of lines) {
  const above = Number.isFinite(line.best) ? line.ours - Math.min(line.ours, line.best) : 0
  const below = Math.max(0, Math.min(line.ours, line.proven) - line.bound)
  assignmentGap += above
  boundGap += below
  console.log(`| ${line.index} | ${line.sims} | ${line.pools} | ${line.ours.toFixed(2)} | ${line.bound.toFixed(2)} | ${line.best.toFixed(2)} | ${line.proven.toFixed(2)} | ${line.status} | ${above.toFixed(2)} | ${below.toFixed(2)} |`)
}
const gap = oursTotal - boundTotal
console.log(`\nfleet: ours ${oursTotal.toFixed(2)}, bound ${boundTotal.toFixed(2)}, gap ${gap.toFixed(2)} (${((gap / oursTotal) * 100).toFixed(4)}%)`)
console.log(`components given to HiGHS: ${lines.length}; ours above HiGHS's best: ${assignmentGap.toFixed(2)}; HiGHS's proven bound above ours: ${boundGap.toFixed(2)}`)
