/**
 * Dives (docs/optimizer.md, step 4): rounding leaves a few pools far from the LP's excess when some SIMs are
 * too big to balance; holding such a SIM on one plan and solving the dual again lets the LP rebalance the
 * rest around that decision.
 */
import type { Component } from './component.js'
import { ComponentLedger, simAllowance } from './component-costs.js'
import { maximizeDual, type DualAscentResult } from './dual-ascent.js'
import type { LagrangianEvaluator } from './lagrangian.js'
import { DEFAULT_OPTIMIZER_OPTIONS, type OptimizerOptions } from './options.js'
import { roundCombination } from './round-combination.js'

/** What the dives read of the options (options.ts). */
export type DiveOptions = Pick<OptimizerOptions, 'maxDives' | 'diveEvaluationsAt10k' | 'diveThreshold' | 'warmRadius' | 'dualTolerance' | 'dualMaxEvaluations'>

/**
 * Rounds the LP solution; while a pool ends more than a block away from the LP's excess (SIMs too big for
 * the rounding to balance, such as the few 100 GB users the LP splits between two pools), holds the
 * biggest split SIM touching that pool on the plan the LP favours and solves the dual again around it,
 * so the LP rebalances everything else around that decision. Leaves in `choice` the cheapest of the
 * roundings met on the way (the path is not monotone: at 10k x 15 the rounding after 3 decisions cost
 * 55,449 and searched down to 55,430, the one after 17 cost 55,515 and searched to 55,445). Returns the
 * decisions made before that rounding and the dual evaluations spent; the evaluator is left as it was found.
 */
export function dive(
  component: Component,
  evaluator: LagrangianEvaluator,
  dual: DualAscentResult,
  choice: Int32Array,
  options: DiveOptions = DEFAULT_OPTIMIZER_OPTIONS,
): { steps: number; evaluations: number } {
  const held: number[] = []
  const best = { steps: 0, cost: Infinity, choice: new Int32Array(choice.length) }
  try {
    const evaluations = diveHolding(component, evaluator, dual, choice, held, best, options)
    return { steps: best.steps, evaluations }
  } finally {
    for (const s of held) evaluator.fix(s, -1)
    choice.set(best.choice)
  }
}

/** The bill of an assignment plus the change penalty of every SIM it moves: the objective searched. */
function objectiveOf(component: Component, choice: Int32Array, penalty: number): number {
  let changes = 0
  if (penalty > 0) for (let s = 0; s < choice.length; s++) if (choice[s] !== component.current[s]) changes++
  return new ComponentLedger(component, choice).total() + changes * penalty
}

function diveHolding(
  component: Component,
  evaluator: LagrangianEvaluator,
  dual: DualAscentResult,
  choice: Int32Array,
  held: number[],
  best: { steps: number; cost: number; choice: Int32Array },
  options: DiveOptions,
): number {
  let evaluations = 0
  let current = dual
  // Evaluations the roundings make (one per point of the combination) count against the budget too.
  const budget = options.diveEvaluationsAt10k * (10_000 / Math.max(1, component.simIndex.length)) ** 2
  let spent = 0
  // Each rounding is priced when the dive goes on from it, or when it ends one that did: a component that
  // needs no dive (1M x 15) is not priced for nothing.
  const consider = (step: number) => {
    const cost = objectiveOf(component, choice, evaluator.changePenalty)
    if (cost < best.cost - 1e-9) {
      best.steps = step
      best.cost = cost
      best.choice.set(choice)
    }
  }
  for (let step = 0; ; step++) {
    const { drift, split } = roundCombination(component, evaluator, current.lambda, current.combination, choice)
    spent += current.combination.length
    const settle = (): number => {
      if (step === 0) best.choice.set(choice)
      else consider(step)
      return evaluations
    }
    if (step === options.maxDives || spent >= budget) return settle()
    let worst = -1
    let worstCost = options.diveThreshold * Math.abs(dual.bound)
    for (let k = 0; k < drift.length; k++) {
      const cost = current.lambda[k]! * Math.abs(drift[k]!)
      if (Math.abs(drift[k]!) > component.poolBlockMb[k]! && cost > worstCost) {
        worst = k
        worstCost = cost
      }
    }
    if (worst < 0) return settle()
    // The split SIM and plan that bring that pool's drift closest to zero, given where the rounding put it.
    let pick = -1
    let pickPlan = -1
    let pickDrift = Math.abs(drift[worst]!)
    const excessIn = (s: number, p: number) => (component.poolOfPlan[p] === worst ? component.usageMb[s]! - simAllowance(component, s, p) : 0)
    for (const entry of split) {
      const rounded = excessIn(entry.s, choice[entry.s]!)
      for (const p of entry.plans) {
        const after = Math.abs(drift[worst]! + excessIn(entry.s, p) - rounded)
        if (after < pickDrift - 1e-9) {
          pick = entry.s
          pickPlan = p
          pickDrift = after
        }
      }
    }
    if (pick < 0) {
      // None brings it closer on its own: hold the biggest split SIM of that pool where the LP leans.
      let biggest: (typeof split)[number] | undefined
      for (const entry of split) {
        if (entry.plans.some((p) => component.poolOfPlan[p] === worst) && (biggest === undefined || entry.size > biggest.size)) biggest = entry
      }
      if (biggest !== undefined) {
        pick = biggest.s
        pickPlan = biggest.plans[biggest.shares.indexOf(Math.max(...biggest.shares))]!
      }
    }
    if (pick < 0) return settle()
    consider(step)
    evaluator.fix(pick, pickPlan)
    held.push(pick)
    current = maximizeDual(evaluator, { start: current.lambda, radius: options.warmRadius, tolerance: options.dualTolerance, maxEvaluations: options.dualMaxEvaluations })
    evaluations += current.evaluations
    spent += current.evaluations
  }
}
