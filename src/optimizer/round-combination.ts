/**
 * Builds the integer assignment from the LP solution the dual ascent ends on (DESIGN.md §3).
 *
 * The cutting-plane model's optimum is a convex combination of a few cuts, and each cut was made by the
 * assignment minimising the dual at its prices; the same combination of those assignments is the LP's
 * primal solution. SIMs on which they all agree take that plan. The others (the SIMs near a tie, which
 * the LP splits to make every pool use exactly its allowance) are rounded one at a time, largest first,
 * each to the plan that keeps every pool's running excess closest to the LP's, so the pools end as
 * balanced as one SIM's usage allows. Taking each SIM's own best plan instead piles the near-tied SIMs on
 * one side, leaving pools thousands of MB over or under.
 */
import type { Component } from './component.js'
import { simAllowance } from './component-costs.js'
import type { LagrangianEvaluator } from './lagrangian.js'

export interface Combination {
  readonly lambda: Float64Array
  readonly weight: number
}

export function roundCombination(
  component: Component,
  evaluator: LagrangianEvaluator,
  lambda: Float64Array,
  combination: readonly Combination[],
  choice: Int32Array,
): void {
  const c = component
  evaluator.evaluate(lambda, choice)
  if (combination.length <= 1) return
  const choices = combination.map((cut) => {
    const argmin = new Int32Array(choice.length)
    evaluator.evaluate(cut.lambda, argmin)
    return argmin
  })
  const total = combination.reduce((sum, cut) => sum + cut.weight, 0)
  const weights = combination.map((cut) => cut.weight / total)

  // The SIMs the cuts disagree on, with the LP's share of each plan.
  const split: { s: number; plans: number[]; shares: number[]; size: number }[] = []
  for (let s = 0; s < choice.length; s++) {
    const first = choices[0]![s]!
    let agree = true
    for (let j = 1; j < choices.length && agree; j++) agree = choices[j]![s] === first
    if (agree) {
      choice[s] = first
      continue
    }
    const plans: number[] = []
    const shares: number[] = []
    for (const [j, argmin] of choices.entries()) {
      const at = plans.indexOf(argmin[s]!)
      if (at >= 0) shares[at]! += weights[j]!
      else {
        plans.push(argmin[s]!)
        shares.push(weights[j]!)
      }
    }
    const size = Math.max(...plans.map((p) => Math.abs(c.poolOfPlan[p]! >= 0 ? c.usageMb[s]! - simAllowance(c, s, p) : 0)))
    split.push({ s, plans, shares, size })
  }
  split.sort((a, b) => b.size - a.size || a.s - b.s)

  // Running excess of the rounded SIMs minus the LP's, per pool. Every split SIM starts at the LP's
  // expectation; placing it adds its actual excess and removes the expected one.
  const drift = new Float64Array(c.poolIndex.length)
  const net = (s: number, p: number) => (c.poolOfPlan[p]! >= 0 ? c.usageMb[s]! - simAllowance(c, s, p) : 0)
  const placed = split.map(() => -1)
  const reducedCost = split.map(({ s, plans }) => {
    const costs = plans.map((p) => evaluator.optionCost(s, p, lambda))
    const cheapest = Math.min(...costs)
    return costs.map((cost) => cost - cheapest)
  })
  const shift = (entry: number, plan: number, sign: 1 | -1) => {
    const { s, plans, shares } = split[entry]!
    for (const [i, p] of plans.entries()) {
      const k = c.poolOfPlan[p]!
      if (k >= 0) drift[k]! -= sign * shares[i]! * net(s, p)
    }
    const k = c.poolOfPlan[plan]!
    if (k >= 0) drift[k]! += sign * net(s, plan)
  }
  /** Reduced cost of the plan plus the price of the pools' drift if the SIM took it. */
  const score = (entry: number, index: number): number => {
    const { s, plans } = split[entry]!
    shift(entry, plans[index]!, 1)
    let value = reducedCost[entry]![index]!
    for (const p of plans) {
      const k = c.poolOfPlan[p]!
      if (k >= 0) value += lambda[k]! * Math.abs(drift[k]!)
    }
    shift(entry, plans[index]!, -1)
    return value
  }
  const place = (entry: number): boolean => {
    const before = placed[entry]!
    if (before >= 0) shift(entry, split[entry]!.plans[before]!, -1)
    let best = 0
    let bestScore = Infinity
    for (let index = 0; index < split[entry]!.plans.length; index++) {
      const value = score(entry, index)
      if (value < bestScore - 1e-12) {
        bestScore = value
        best = index
      }
    }
    placed[entry] = best
    shift(entry, split[entry]!.plans[best]!, 1)
    return best !== before
  }
  for (let entry = 0; entry < split.length; entry++) place(entry)
  // Revisit: a SIM placed early may fit better now that the others are placed.
  for (let pass = 0; pass < 3; pass++) {
    let changed = 0
    for (let entry = 0; entry < split.length; entry++) if (place(entry)) changed++
    if (changed === 0) break
  }
  for (const [entry, { s, plans }] of split.entries()) choice[s] = plans[placed[entry]!]!
}
