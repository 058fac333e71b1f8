/**
 * Who carries a component's gap (issue 18). At the dual prices λ the gap splits exactly into two sums: each
 * movable SIM's reduced cost (its plan's Lagrangian cost above its cheapest option's), and each pool's
 * charge above `λ·excess` (room it leaves unused, or a block it pays for in part). This prints both, the
 * pools with their room, block and price, then the SIMs' reduced cost grouped by (cheapest plan, plan held).
 * A gap carried by a few SIMs of one lumpy pool calls for a wider search of that pool; one spread over
 * pools sitting at zero excess calls for trades between them.
 *
 *   node dist/bench/gap-carriers.js gen SIMS PLANS | KIND SIMS PLANS SEED
 */
import { splitComponents } from '../src/optimizer/component.js'
import { maximizeDual } from '../src/optimizer/dual-ascent.js'
import { LagrangianEvaluator } from '../src/optimizer/lagrangian.js'
import { LocalSearch } from '../src/optimizer/local-search.js'
import { solveComponent } from '../src/optimizer/solve-component.js'
import { hardFleet, type HardKind } from './hard-catalogs.js'
import { instance } from './instances.js'

const [kind, sims, plans, seed = '1'] = process.argv.slice(2)
const problem = kind === 'gen' ? instance({ sims: Number(sims), plans: Number(plans) }) : hardFleet({ kind: kind as HardKind, sims: Number(sims), plans: Number(plans), seed: Number(seed) })
const code = (component: ReturnType<typeof splitComponents>[number], p: number) => `${problem.plans[component.planIndex[p]!]!.code}[${component.poolOfPlan[p]}]`

for (const component of splitComponents(problem)) {
  if (component.poolIndex.length === 0) continue
  const solution = solveComponent(component)
  const evaluator = new LagrangianEvaluator(component, 0, 16)
  const dual = maximizeDual(evaluator, { tolerance: 1e-7, maxEvaluations: 400, radius: 0.25 })
  const search = new LocalSearch(component, solution.choice.slice())
  const total = search.objective()
  if (total - solution.bound <= 1e-4 * total) continue

  const carriers = new Map<string, { sims: number; reduced: number; mb: number }>()
  let carried = 0
  for (let s = 0; s < component.simIndex.length; s++) {
    if (component.locked[s]) continue
    const set = component.optionSet[s]!
    let cheapest = Infinity
    let cheapestPlan = -1
    for (let o = component.optionStart[set]!; o < component.optionStart[set + 1]!; o++) {
      const cost = evaluator.optionCost(s, component.options[o]!, dual.lambda)
      if (cost < cheapest) (cheapest = cost), (cheapestPlan = component.options[o]!)
    }
    const reduced = evaluator.optionCost(s, search.choice[s]!, dual.lambda) - cheapest
    if (reduced < 1e-9) continue
    carried += reduced
    const key = `${code(component, cheapestPlan)} held on ${code(component, search.choice[s]!)}`
    const entry = carriers.get(key) ?? { sims: 0, reduced: 0, mb: 0 }
    entry.sims++
    entry.reduced += reduced
    entry.mb += component.usageMb[s]!
    carriers.set(key, entry)
  }
  let unusedRoom = 0
  const pools: string[] = []
  for (let k = 0; k < component.poolIndex.length; k++) {
    const excess = search.ledger.poolUsage[k]! - search.ledger.poolAllowance[k]!
    const blockMb = component.poolBlockMb[k]!
    const blockPrice = component.poolBlockPrice[k]!
    const above = search.ledger.poolCharge(k) - dual.lambda[k]! * excess
    unusedRoom += above
    let members = 0
    for (let s = 0; s < component.simIndex.length; s++) if (component.poolOfPlan[search.choice[s]!] === k) members++
    pools.push(
      `  pool ${k}: ${members} SIMs, excess ${excess.toFixed(1)} MB, blocks of ${blockMb} MB at ${blockPrice.toFixed(2)}, λ ${((dual.lambda[k]! * blockMb) / blockPrice).toFixed(3)} of O/D, charge above λ·excess ${above.toFixed(2)}`,
    )
  }
  console.log(
    `component of ${component.simIndex.length} SIMs, ${component.poolIndex.length} pools: cost ${total.toFixed(2)}, bound ${solution.bound.toFixed(2)}; ` +
      `movable SIMs' reduced cost ${carried.toFixed(2)}, pools' charge above λ·excess ${unusedRoom.toFixed(2)} (locked SIMs carry the rest)`,
  )
  console.log(pools.join('\n'))
  for (const [key, entry] of [...carriers].sort((a, b) => b[1].reduced - a[1].reduced).slice(0, 20)) {
    console.log(`  ${key}: ${entry.sims} SIMs, reduced cost ${entry.reduced.toFixed(2)}, ${(entry.mb / entry.sims).toFixed(1)} MB on average`)
  }
}
