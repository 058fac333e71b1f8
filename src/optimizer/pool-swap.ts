/**
 * Swaps between pools: two SIMs in different pools trade plans. A 2.4 GB user in a pool with room to spare
 * and a 3.2 GB user one pool up, each alone worse off moved, may both be better off traded: the first pool
 * absorbs the bigger user in the room it had, the second drops under a block boundary. No single move and
 * no search of one pool makes that trade (each half alone raises the bill), so the search stops above the
 * optimum. On the 240-plan cluster fleet (`bench/hard-catalogs.ts`) HiGHS's optimum of a 156-SIM cluster
 * was exactly such a swap (and one idle SIM) away from ours, 9.1 (0.32%) cheaper.
 *
 * Every pair is priced exactly (the ledger's move delta, both moves in turn) and kept only if the bill goes
 * down. Pairs are taken among the biggest pooled SIMs (all of a small component's), since a trade that
 * moves a block needs SIMs of a block's size; the work is counted against the search's budget.
 */
import type { Component } from './component.js'
import { IMPROVEMENT, type LocalSearch } from './local-search.js'
import { DEFAULT_OPTIMIZER_OPTIONS } from './options.js'

/** Makes every improving swap among the `maxSims` biggest pooled SIMs (`OptimizerOptions.swapSims`); returns how many it made. */
export function swapAcrossPools(search: LocalSearch, maxSims = DEFAULT_OPTIMIZER_OPTIONS.swapSims): number {
  const component = search.component
  const sims = swapCandidates(component, search.choice, maxSims)
  const allowed = allowedPlans(component)
  const plans = component.plans.length
  let swapped = 0
  for (let a = 0; a < sims.length; a++) {
    for (let b = a + 1; b < sims.length; b++) {
      const s = sims[a]!
      const t = sims[b]!
      const p = search.choice[s]!
      const q = search.choice[t]!
      if (component.poolOfPlan[p] === component.poolOfPlan[q]) continue
      if (!allowed[component.optionSet[s]! * plans + q] || !allowed[component.optionSet[t]! * plans + p]) continue
      search.spend(2)
      const first = search.delta(s, q)
      search.move(s, q)
      const second = search.delta(t, p)
      if (first + second < -IMPROVEMENT) {
        search.move(t, p)
        swapped++
      } else {
        search.move(s, p)
      }
    }
  }
  if (swapped > 0) search.ledger.recompute()
  return swapped
}

/**
 * The movable SIMs on pooled plans, biggest users first, at most `maxSims` (ties in SIM order). Kept in a
 * sorted list of `maxSims` that most SIMs fail to enter at a glance: sorting a million SIMs would take
 * longer than the swaps.
 */
function swapCandidates(component: Component, choice: Int32Array, maxSims: number): Int32Array {
  const top: number[] = []
  const before = (x: number, y: number) => component.usageMb[x]! > component.usageMb[y]! || (component.usageMb[x] === component.usageMb[y] && x < y)
  for (let s = 0; s < choice.length; s++) {
    if (component.locked[s] || component.poolOfPlan[choice[s]!]! < 0) continue
    if (top.length === maxSims && !before(s, top[maxSims - 1]!)) continue
    let at = top.length === maxSims ? maxSims - 1 : top.length
    while (at > 0 && before(s, top[at - 1]!)) {
      top[at] = top[at - 1]!
      at--
    }
    top[at] = s
  }
  return Int32Array.from(top)
}

/** `allowed[set * plans + p]` is 1 when option set `set` holds local plan `p`. */
function allowedPlans(component: Component): Uint8Array {
  const plans = component.plans.length
  const sets = component.optionStart.length - 1
  const allowed = new Uint8Array(sets * plans)
  for (let set = 0; set < sets; set++) for (let o = component.optionStart[set]!; o < component.optionStart[set + 1]!; o++) allowed[set * plans + component.options[o]!] = 1
  return allowed
}
