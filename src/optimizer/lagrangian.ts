/**
 * The Lagrangian dual of a component (DESIGN.md §3). A pool's overage charge `O·ceil((E − tol)/D)` is at
 * least `λ·(E − tol)` for any `λ` in `[0, O/D]`, where `E` is the pool's usage minus its allowance. With
 * the pools priced that way the SIMs no longer interact: each picks the plan minimising
 * `R·f + S·sms + λ_pool·(u − A·f)` (an unpooled plan: its exact cost), and the sum over SIMs is a lower bound
 * on the cost of every assignment. Maximising it over `λ` gives the LP relaxation's bound.
 *
 * Evaluating it is the optimizer's inner loop. SIMs with the same allowed plans and proration factor see
 * the same lines `(R − λA)·f + λ·u`, one per pooled plan, so their lower envelope is built once per
 * evaluation and each SIM finds its piece by binary search on its usage: O(N log P), not O(N·P).
 */
import { MB_TOLERANCE, allowanceMb, type RatePlan } from '../domain/index.js'
import type { Component } from './component.js'
import { simAllowance, simCharge } from './component-costs.js'

export interface DualPoint {
  /** The bound: no assignment of the component costs less (change penalties included, when set). */
  readonly value: number
  /** Supergradient: each pool's usage minus allowance (less the tolerance) under the minimising choice. */
  readonly excess: Float64Array
}

/**
 * Movable SIMs sharing allowed plans and proration factor, hence one lower envelope. Their figures are
 * copied next to each other: the evaluation reads them in order, not scattered over the component.
 */
interface EnvelopeGroup {
  readonly factor: number
  /** Pooled plans the group may use. */
  readonly plans: Int32Array
  /** SMS rate shared by all those plans, or NaN when they differ (SIMs with SMS are then priced one by one). */
  readonly smsRate: number
  /** Per member: its SIM in the component, usage, SMS, current plan, and best unpooled option. */
  readonly sims: Int32Array
  readonly usageMb: Float64Array
  readonly sms: Float64Array
  readonly current: Int32Array
  readonly unpooledPlan: Int32Array
  /** Penalty included. */
  readonly unpooledCost: Float64Array
  /** The member's cost on its current plan when that plan does not pool. */
  readonly currentUnpooledCost: Float64Array
}

/** Floats in `value` relative size below this are rounding; the bound is lowered by that much to stay valid. */
const FLOAT_SAFETY = 1e-12

export class LagrangianEvaluator {
  readonly #groups: EnvelopeGroup[]
  readonly #lockedCharges: number
  readonly #lockedExcess: Float64Array
  /** Scratch for the envelope: lines' plans and breakpoints. */
  readonly #hullPlans: Int32Array
  readonly #hullFrom: Float64Array

  constructor(
    readonly component: Component,
    /** Added to every option but a SIM's current plan: the minimum saving a change must bring. */
    readonly changePenalty = 0,
  ) {
    const c = component
    const n = c.simIndex.length
    this.#lockedExcess = new Float64Array(c.poolIndex.length)
    let lockedCharges = 0
    const groupKey = new Map<string, { factor: number; set: number; sims: number[] }>()
    for (let s = 0; s < n; s++) {
      if (c.locked[s]) {
        const p = c.current[s]!
        lockedCharges += simCharge(c, s, p)
        const k = c.poolOfPlan[p]!
        if (k >= 0) this.#lockedExcess[k]! += c.usageMb[s]! - simAllowance(c, s, p)
        continue
      }
      const key = `${c.optionSet[s]}:${c.factor[s]}`
      let group = groupKey.get(key)
      if (group === undefined) groupKey.set(key, (group = { factor: c.factor[s]!, set: c.optionSet[s]!, sims: [] }))
      group.sims.push(s)
    }
    this.#lockedCharges = lockedCharges
    this.#groups = [...groupKey.values()].map(({ factor, set, sims }) => this.#group(factor, set, sims))
    const widest = Math.max(1, ...this.#groups.map((group) => group.plans.length))
    this.#hullPlans = new Int32Array(widest)
    this.#hullFrom = new Float64Array(widest)
  }

  #group(factor: number, set: number, members: readonly number[]): EnvelopeGroup {
    const c = this.component
    const pooledPlans: number[] = []
    const unpooledPlans: number[] = []
    for (let o = c.optionStart[set]!; o < c.optionStart[set + 1]!; o++) {
      const p = c.options[o]!
      if (c.poolOfPlan[p]! >= 0) pooledPlans.push(p)
      else unpooledPlans.push(p)
    }
    const rates = new Set(pooledPlans.map((p) => c.plans[p]!.smsRate))
    const size = members.length
    const group: EnvelopeGroup = {
      factor,
      plans: Int32Array.from(pooledPlans),
      smsRate: rates.size <= 1 ? (rates.values().next().value ?? 0) : Number.NaN,
      sims: Int32Array.from(members),
      usageMb: Float64Array.from(members, (s) => c.usageMb[s]!),
      sms: Float64Array.from(members, (s) => c.sms[s]!),
      current: Int32Array.from(members, (s) => c.current[s]!),
      unpooledPlan: new Int32Array(size).fill(-1),
      unpooledCost: new Float64Array(size).fill(Infinity),
      currentUnpooledCost: new Float64Array(size),
    }
    for (let m = 0; m < size; m++) {
      const s = members[m]!
      for (const p of unpooledPlans) {
        const charge = simCharge(c, s, p)
        if (p === c.current[s]) group.currentUnpooledCost[m] = charge
        const cost = charge + (p === c.current[s] ? 0 : this.changePenalty)
        if (cost < group.unpooledCost[m]!) {
          group.unpooledCost[m] = cost
          group.unpooledPlan[m] = p
        }
      }
    }
    return group
  }

  /**
   * The dual function at `lambda` (one price per pool, per MB). When `choice` is given, each SIM's minimising
   * plan is written to it (a locked SIM's: its own).
   */
  evaluate(lambda: Float64Array, choice?: Int32Array): DualPoint {
    const c = this.component
    const { current, poolOfPlan, plans } = c
    const penalty = this.changePenalty
    const excess = new Float64Array(c.poolIndex.length)
    let value = this.#lockedCharges
    for (let k = 0; k < excess.length; k++) {
      excess[k] = this.#lockedExcess[k]! - MB_TOLERANCE
      value += lambda[k]! * excess[k]!
    }
    let magnitude = Math.abs(value)

    for (const group of this.#groups) {
      const f = group.factor
      const hullSize = this.#buildEnvelope(group, lambda)
      const hullPlans = this.#hullPlans
      const hullFrom = this.#hullFrom
      const { usageMb: usages, sms: smsCounts, current: currents, unpooledCost, unpooledPlan, currentUnpooledCost, sims: members } = group
      const perSimSms = Number.isNaN(group.smsRate)
      for (let m = 0; m < members.length; m++) {
        const u = usages[m]!
        const count = smsCounts[m]!
        const now = currents[m]!
        let best = unpooledCost[m]!
        let bestPlan = unpooledPlan[m]!
        if (count !== 0 && perSimSms) {
          // Pooled plans charge SMS differently: price each.
          for (const p of group.plans) {
            const cost = lineCost(plans[p]!, lambda[poolOfPlan[p]!]!, f, u) + plans[p]!.smsRate * count + (p === now ? 0 : penalty)
            if (cost < best) {
              best = cost
              bestPlan = p
            }
          }
        } else if (hullSize > 0) {
          // The envelope piece covering u: the last breakpoint at or below it.
          let low = 0
          let high = hullSize - 1
          while (low < high) {
            const middle = (low + high + 1) >> 1
            if (hullFrom[middle]! <= u) low = middle
            else high = middle - 1
          }
          let plan = hullPlans[low]!
          const shared = count === 0 ? 0 : group.smsRate * count
          let cost = lineCost(plans[plan]!, lambda[poolOfPlan[plan]!]!, f, u) + shared
          if (penalty !== 0 && plan !== now) {
            cost += penalty
            const k = poolOfPlan[now]!
            const stay = k >= 0 ? lineCost(plans[now]!, lambda[k]!, f, u) + shared : currentUnpooledCost[m]!
            if (stay <= cost) {
              cost = stay
              plan = now
            }
          }
          if (cost < best) {
            best = cost
            bestPlan = plan
          }
        }
        value += best
        magnitude += Math.abs(best)
        if (choice !== undefined) choice[members[m]!] = bestPlan
        const k = poolOfPlan[bestPlan]!
        if (k >= 0) excess[k]! += u - allowanceMb(plans[bestPlan]!, f)
      }
    }
    if (choice !== undefined) for (let s = 0; s < c.locked.length; s++) if (c.locked[s]) choice[s] = current[s]!
    return { value: value - FLOAT_SAFETY * magnitude, excess }
  }

  /** SIM `s`'s Lagrangian cost on local plan `p` at `lambda` (no change penalty). */
  optionCost(s: number, p: number, lambda: Float64Array): number {
    const c = this.component
    const k = c.poolOfPlan[p]!
    if (k < 0) return simCharge(c, s, p)
    return lineCost(c.plans[p]!, lambda[k]!, c.factor[s]!, c.usageMb[s]!) + c.plans[p]!.smsRate * c.sms[s]!
  }

  /**
   * Lower envelope of the group's lines `(R − λA)·f + λ·u` over u ≥ 0 (convex hull trick). Leaves in
   * `#hullPlans[i]` the plan that is cheapest from usage `#hullFrom[i]` up to the next breakpoint.
   */
  #buildEnvelope(group: EnvelopeGroup, lambda: Float64Array): number {
    const { plans, poolOfPlan } = this.component
    const slope = (p: number) => lambda[poolOfPlan[p]!]!
    const intercept = (p: number) => lineCost(plans[p]!, lambda[poolOfPlan[p]!]!, group.factor, 0)
    // Steepest first: as usage grows, ever flatter lines take over.
    const sorted = Array.from(group.plans).sort((a, b) => slope(b) - slope(a) || intercept(a) - intercept(b) || a - b)
    const hullPlans = this.#hullPlans
    const hullFrom = this.#hullFrom
    let size = 0
    for (const p of sorted) {
      if (size > 0 && slope(hullPlans[size - 1]!) === slope(p)) continue // same slope, higher intercept
      let from = 0
      while (size > 0) {
        const top = hullPlans[size - 1]!
        // Where p becomes cheaper than the top line.
        from = Math.max(0, (intercept(p) - intercept(top)) / (slope(top) - slope(p)))
        if (from <= hullFrom[size - 1]!) size--
        else break
      }
      if (size === 0) from = 0
      hullPlans[size] = p
      hullFrom[size] = from
      size++
    }
    return size
  }
}

/** A SIM's Lagrangian cost on a pooled plan before SMS: `R·f + λ·(u − A·f)`. */
function lineCost(plan: RatePlan, lambda: number, factor: number, usage: number): number {
  return (plan.monthlyRate - lambda * plan.includedMb) * factor + lambda * usage
}
