/**
 * Dives (docs/optimizer.md, step 4): rounding leaves a few pools far from the LP's excess when some SIMs are
 * too big to balance; holding such a SIM on one plan and solving the dual again lets the LP rebalance the
 * rest around that decision.
 */
import type { Component } from './component.js'
import { ComponentLedger, simAllowance } from './component-costs.js'
import { maximizeDual, type DualAscentResult } from './dual-ascent.js'
import type { LagrangianEvaluator } from './lagrangian.js'
import { roundCombination } from './round-combination.js'

/** Most decisions a dive makes before it settles for the rounding it has. */
const MAX_DIVES = 40
/**
 * Dual evaluations (the roundings' included) the dives of a 10k-SIM component may spend: all it needs
 * (the most seen was about 1,000). The budget falls with the square of the size, as each evaluation costs
 * in proportion to it and the need for dives falls with it too (big fleets are fine-grained enough for
 * the rounding): a 30k component gets about 110, a 100k one 10, which is no dive at all. At 100k x 40
 * the dives never settled (the worst pool's drift cost 6-58 over 40 dives, the threshold being 5.8) and
 * took 5.5 s of 7, for 0.010% above the bound instead of 0.012% without them. A count, never a clock,
 * so the answer is the same everywhere.
 */
const DIVE_EVALUATIONS_AT_10K = 1_000
/** A pool's drift from the LP is worth a dive when it costs at least this share of the bound. */
const DIVE_THRESHOLD = 1e-5

/**
 * Rounds the LP solution; while a pool ends more than a block away from the LP's excess (SIMs too big for
 * the rounding to balance, such as the few 100 GB users the LP splits between two pools), holds the
 * biggest split SIM touching that pool on the plan the LP favours and solves the dual again around it,
 * so the LP rebalances everything else around that decision. Leaves in `choice` the cheapest of the
 * roundings met on the way (the path is not monotone: at 10k x 15 the rounding after 3 decisions cost
 * 55,449 and searched down to 55,430, the one after 17 cost 55,515 and searched to 55,445). Returns the
 * decisions made before that rounding and the dual evaluations spent; the evaluator is left as it was found.
 */
export function dive(component: Component, evaluator: LagrangianEvaluator, dual: DualAscentResult, choice: Int32Array): { steps: number; evaluations: number } {
  const held: number[] = []
  const best = { steps: 0, cost: Infinity, choice: new Int32Array(choice.length) }
  try {
    const evaluations = diveHolding(component, evaluator, dual, choice, held, best)
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
): number {
  let evaluations = 0
  let current = dual
  // Evaluations the roundings make (one per point of the combination) count against the budget too.
  const budget = DIVE_EVALUATIONS_AT_10K * (10_000 / Math.max(1, component.simIndex.length)) ** 2
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
    if (step === MAX_DIVES || spent >= budget) return settle()
    let worst = -1
    let worstCost = DIVE_THRESHOLD * Math.abs(dual.bound)
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
    current = maximizeDual(evaluator, { start: current.lambda, radius: 0.05 })
    evaluations += current.evaluations
    spent += current.evaluations
  }
}
