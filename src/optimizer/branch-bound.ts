/**
 * A stronger bound by branching on the SIMs the LP splits (docs/optimizer.md, step 6). The dual is the LP
 * relaxation, which may split a big SIM between two pools (a 60 GB user half on the 9 GB pool, half on the
 * 50 GB one) and so balance the pools in a way no assignment can. Every assignment puts that SIM on exactly
 * one of its plans, so the smallest of the duals solved with the SIM held on each plan is a lower bound too,
 * and usually a higher one. Repeating this on the weakest branch is a branch and bound that only bounds: a
 * best-first tree whose open leaves' smallest dual is the bound.
 *
 * Why it stays a proven bound:
 * - each node's value is the Lagrangian dual of the problem with its held SIMs fixed, at whatever prices the
 *   ascent reached: any prices in `[0, O/D]` give a lower bound on that restricted problem;
 * - a node's children cover every plan of the SIM branched on, except plans whose reduced cost at the node's
 *   prices exceeds the gap to the best assignment known: holding the SIM there, the same prices give at least
 *   the node's value plus that reduced cost (the other SIMs' minima do not change), which is more than the
 *   best known cost, so no assignment cheaper than it lies there;
 * - hence every assignment cheaper than the best known lies under an open leaf, and the bound is the smallest
 *   open leaf's value, never above the best known cost.
 * Work is counted in dual evaluations, never in time, so the bound is the same on every machine.
 */
import type { Component } from './component.js'
import { maximizeDual, type DualAscentResult } from './dual-ascent.js'
import type { LagrangianEvaluator } from './lagrangian.js'
import { DEFAULT_OPTIMIZER_OPTIONS, type OptimizerOptions } from './options.js'
import { roundCombination, type SplitSim } from './round-combination.js'

interface Node {
  /** SIMs held, with their plans, from the root down. */
  readonly held: readonly (readonly [s: number, p: number])[]
  readonly dual: DualAscentResult
  /** The node's bound: its dual's, or its parent's when higher (the parent's problem contains the node's). */
  readonly bound: number
}

/** What the branching reads of the options (options.ts): children's ascents are warm, as the dives'. */
export type BranchOptions = Pick<OptimizerOptions, 'warmRadius' | 'dualTolerance'>

export interface BranchBoundResult {
  readonly bound: number
  /** Dual evaluations spent, the roundings' included: what `budget` counts. */
  readonly evaluations: number
}

/**
 * A lower bound on the component's cost at least `root.bound`, at most `incumbent` (the bill of an assignment
 * of the component), after at most about `budget` dual evaluations. `root` must be the dual of `evaluator`
 * with no SIM held; the evaluator is left with no SIM held.
 */
export function branchBound(
  component: Component,
  evaluator: LagrangianEvaluator,
  root: DualAscentResult,
  incumbent: number,
  budget: number,
  options: BranchOptions = DEFAULT_OPTIMIZER_OPTIONS,
): BranchBoundResult {
  const open: Node[] = [{ held: [], dual: root, bound: root.bound }]
  const scratch = new Int32Array(component.simIndex.length)
  let holding: readonly (readonly [number, number])[] = []
  const hold = (held: readonly (readonly [number, number])[]) => {
    for (const [s] of holding) evaluator.fix(s, -1)
    for (const [s, p] of held) evaluator.fix(s, p)
    holding = held
  }
  const slack = 1e-9 * (Math.abs(incumbent) + 1)
  let spent = 0
  try {
    while (spent < budget) {
      // The weakest open leaf (the first made among equals, so the tree is the same on every run).
      let weakest = 0
      for (let i = 1; i < open.length; i++) if (open[i]!.bound < open[weakest]!.bound) weakest = i
      const node = open[weakest]!
      if (!(incumbent - node.bound > slack)) break
      // Reduced costs are measured at the node's prices, so the gap is from the dual's value there.
      const gap = incumbent - node.dual.bound
      hold(node.held)
      const { split } = roundCombination(component, evaluator, node.dual.lambda, node.dual.combination, scratch)
      spent += node.dual.combination.length
      // The SIM the node's LP splits to branch on (held SIMs never are: every point puts them on their plan).
      const s = splitToBranchOn(component, split)
      if (s === undefined) break
      const set = component.optionSet[s]!
      const plans: number[] = []
      const costs: number[] = []
      let cheapest = Infinity
      for (let o = component.optionStart[set]!; o < component.optionStart[set + 1]!; o++) {
        const p = component.options[o]!
        const cost = evaluator.optionCost(s, p, node.dual.lambda) + (p === component.current[s] ? 0 : evaluator.changePenalty)
        plans.push(p)
        costs.push(cost)
        cheapest = Math.min(cheapest, cost)
      }
      const children: Node[] = []
      for (let i = 0; i < plans.length && spent < budget; i++) {
        // Reduced-cost fixing: holding s on this plan costs the node's value plus this much, past the best known.
        if (costs[i]! - cheapest > gap + slack) continue
        const held = [...node.held, [s, plans[i]!] as const]
        hold(held)
        const dual = maximizeDual(evaluator, { start: node.dual.lambda, radius: options.warmRadius, tolerance: options.dualTolerance, maxEvaluations: Math.max(1, budget - spent) })
        spent += dual.evaluations
        children.push({ held, dual, bound: Math.max(dual.bound, node.bound) })
      }
      // A node is replaced only when all its children are solved; out of budget, it stays as it was.
      if (spent >= budget) break
      open.splice(weakest, 1, ...children)
      if (open.length === 0) return { bound: incumbent, evaluations: spent }
    }
  } finally {
    hold([])
  }
  let bound = incumbent
  for (const node of open) bound = Math.min(bound, node.bound)
  return { bound: Math.max(root.bound, bound), evaluations: spent }
}

/**
 * The split SIM bringing the most excess (the rounding's order) that uses any data; an idle one only when all
 * are. An idle SIM's allowance is what the LP often balances a pool with, and idle SIMs are interchangeable:
 * holding one lets another take its share, so its children equal their parent and the budget goes nowhere
 * (on one 240-plan cluster, whose split SIMs are all idle past the first branching, 8,000 evaluations left
 * the bound where the first 50 had put it). Taking the heaviest user instead raised ten clusters' bounds by
 * 7.0 in total but lowered the generated fleets' (1k x 40 by 1.45, 10k x 40 by 0.69); skipping idle SIMs
 * changed none of those (docs/optimizer.md, issue 18).
 */
function splitToBranchOn(component: Component, split: readonly SplitSim[]): number | undefined {
  return (split.find(({ s }) => component.usageMb[s]! > 0) ?? split[0])?.s
}
