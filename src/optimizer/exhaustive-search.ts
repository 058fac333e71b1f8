/**
 * Every assignment of a tiny component, for the exact optimum. Used where the search space is small
 * enough to enumerate in milliseconds: there the heuristic's last cents do not have to be argued.
 */
import type { Component } from './component.js'
import { poolCharge, simAllowance, simCharge } from './component-costs.js'

/** Number of assignments of the component's movable SIMs; counting stops past `limit` (`OptimizerOptions.exhaustiveLimit`). */
export function searchSpace(component: Component, limit: number): number {
  let size = 1
  for (let s = 0; s < component.simIndex.length && size <= limit; s++) {
    if (component.locked[s]) continue
    const set = component.optionSet[s]!
    size *= component.optionStart[set + 1]! - component.optionStart[set]!
  }
  return size
}

export interface ExhaustiveResult {
  /** Cheapest by the bill plus change penalties; among equals, the fewest changes. */
  readonly choice: Int32Array
  /** Cheapest bill of all, penalties aside: the exact optimum, hence the best possible bound. */
  readonly optimum: number
}

export function exhaustiveSearch(component: Component, changePenalty = 0): ExhaustiveResult {
  const c = component
  const n = c.simIndex.length
  const pools = c.poolIndex.length
  const usage = new Float64Array(pools)
  const allowance = new Float64Array(pools)
  const choice = c.current.slice()
  let fixedCharges = 0
  const movable: number[] = []
  for (let s = 0; s < n; s++) {
    if (!c.locked[s]) {
      movable.push(s)
      continue
    }
    const p = c.current[s]!
    fixedCharges += simCharge(c, s, p)
    const k = c.poolOfPlan[p]!
    if (k >= 0) {
      usage[k]! += c.usageMb[s]!
      allowance[k]! += simAllowance(c, s, p)
    }
  }

  let best = { objective: Infinity, changes: Infinity, choice: choice.slice() }
  let optimum = Infinity
  const visit = (depth: number, charges: number, changes: number): void => {
    if (depth === movable.length) {
      let bill = charges
      for (let k = 0; k < pools; k++) bill += poolCharge(c, k, usage[k]!, allowance[k]!)
      optimum = Math.min(optimum, bill)
      const objective = bill + changes * changePenalty
      if (objective < best.objective - 1e-9 || (objective < best.objective + 1e-9 && changes < best.changes)) {
        best = { objective, changes, choice: choice.slice() }
      }
      return
    }
    const s = movable[depth]!
    const set = c.optionSet[s]!
    for (let o = c.optionStart[set]!; o < c.optionStart[set + 1]!; o++) {
      const p = c.options[o]!
      const k = c.poolOfPlan[p]!
      const added = k >= 0 ? simAllowance(c, s, p) : 0
      if (k >= 0) {
        usage[k]! += c.usageMb[s]!
        allowance[k]! += added
      }
      choice[s] = p
      visit(depth + 1, charges + simCharge(c, s, p), changes + (p === c.current[s] ? 0 : 1))
      if (k >= 0) {
        usage[k]! -= c.usageMb[s]!
        allowance[k]! -= added
      }
    }
    choice[s] = c.current[s]!
  }
  visit(0, fixedCharges, 0)
  return { choice: best.choice, optimum }
}
