/**
 * Builds the integer assignment from the LP solution the dual ascent ends on (DESIGN.md §3).
 *
 * The cutting-plane model's optimum is, for each part of the dual, a convex combination of a few cuts,
 * and each cut was made by the assignment minimising the dual at its prices; the same combination of
 * those assignments is the LP's primal solution. SIMs on which they all agree take that plan. The others (the SIMs near a tie, which
 * the LP splits to make every pool use exactly its allowance) are rounded one at a time, largest first,
 * each to the plan that keeps every pool's running excess closest to the LP's, so the pools end as
 * balanced as one SIM's usage allows. Taking each SIM's own best plan instead piles the near-tied SIMs on
 * one side, leaving pools thousands of MB over or under.
 */
import type { Component } from './component.js'
import { simAllowance } from './component-costs.js'
import type { CombinationPoint } from './dual-ascent.js'
import type { LagrangianEvaluator } from './lagrangian.js'

/** A SIM the LP splits between plans, with each plan's share. */
export interface SplitSim {
  readonly s: number
  readonly plans: readonly number[]
  readonly shares: readonly number[]
  /** Largest excess (MB, either sign) it brings to a pool on one of those plans. */
  readonly size: number
}

export interface Rounding {
  /** Per pool: the rounded assignment's excess minus the LP's, MB. */
  readonly drift: Float64Array
  readonly split: readonly SplitSim[]
}

/** Writes the rounded assignment to `choice`. */
export function roundCombination(
  component: Component,
  evaluator: LagrangianEvaluator,
  lambda: Float64Array,
  combination: readonly CombinationPoint[],
  choice: Int32Array,
): Rounding {
  const c = component
  if (combination.length <= 1) {
    evaluator.evaluate(combination[0]?.lambda ?? lambda, choice)
    return { drift: new Float64Array(c.poolIndex.length), split: [] }
  }
  const choices = combination.map((point) => {
    const argmin = new Int32Array(choice.length)
    evaluator.evaluate(point.lambda, argmin)
    return argmin
  })

  // The SIMs their part's points disagree on, with the LP's share of each plan.
  const split: SplitSim[] = []
  for (let s = 0; s < choice.length; s++) {
    const part = evaluator.partOf(s)
    let first = -1
    let agree = true
    for (let j = 0; j < choices.length && agree; j++) {
      if (combination[j]!.weights[part]! <= 0) continue
      if (first < 0) first = choices[j]![s]!
      else agree = choices[j]![s] === first
    }
    if (agree) {
      choice[s] = first >= 0 ? first : choices[0]![s]!
      continue
    }
    const plans: number[] = []
    const shares: number[] = []
    for (const [j, argmin] of choices.entries()) {
      const weight = combination[j]!.weights[part]!
      if (weight <= 0) continue
      const at = plans.indexOf(argmin[s]!)
      if (at >= 0) shares[at]! += weight
      else {
        plans.push(argmin[s]!)
        shares.push(weight)
      }
    }
    const total = shares.reduce((sum, share) => sum + share, 0)
    for (let i = 0; i < shares.length; i++) shares[i]! /= total
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
    const { plans } = split[entry]!
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
  return { drift, split }
}
