/**
 * The Lagrangian dual of a component (DESIGN.md §3). A pool's overage charge `O·ceil((E − tol)/D)` is at
 * least `λ·(E − tol)` for any `λ` in `[0, O/D]`, where `E` is the pool's usage minus its allowance. With
 * the pools priced that way the SIMs no longer interact: each picks the plan minimising
 * `R·f + S·sms + λ_pool·(u − A·f)` (an unpooled plan: its exact cost), and the sum over SIMs is a lower bound
 * on the cost of every assignment. Maximising it over `λ` gives the LP relaxation's bound.
 *
 * Evaluating it is the optimizer's inner loop. SIMs with the same allowed plans and proration factor see
 * the same lines `(R − λA)·f + λ·u`, one per pooled plan, so their lower envelope is built once per
 * evaluation, and the members, kept in ascending usage, find their pieces by walking along it: O(N + P),
 * not O(N·P).
 */
import { MB_TOLERANCE, allowanceMb, hasBundles, voiceSmsCharge, type RatePlan } from '../domain/index.js'
import type { Component } from './component.js'
import { simAllowance, simCharge } from './component-costs.js'
import { DEFAULT_OPTIMIZER_OPTIONS } from './options.js'
import { usageOrder } from './usage-order.js'

export interface DualPoint {
  /** The bound: no assignment of the component costs less (change penalties included, when set). */
  readonly value: number
  /** Supergradient: each pool's usage minus allowance (less the tolerance) under the minimising choice. */
  readonly excess: Float64Array
  /** The same split by part (SIMs grouped by usage): `partValue[g]`, `partExcess[g * pools + k]`. */
  readonly partValue: Float64Array
  readonly partExcess: Float64Array
}

/**
 * Parts of the dual: SIMs by usage on a log scale (0, up to 1 MB, up to 3, 7, 15, … MB), the last part taking
 * the rest. SIMs of similar usage weigh the same few plans against each other, so a cut per part models the
 * dual closely.
 */
function partOfUsage(usageMb: number, parts: number): number {
  return Math.min(parts - 1, Math.ceil(Math.log2(1 + usageMb)))
}

/**
 * Movable SIMs sharing allowed plans and proration factor, hence one lower envelope. Their figures are
 * copied next to each other: the evaluation reads them in order, not scattered over the component.
 */
interface EnvelopeGroup {
  readonly factor: number
  /** Pooled plans the group may use. */
  readonly plans: Int32Array
  /**
   * SMS rate shared by all those plans, or NaN when they differ or any plan has voice / SMS bundles (SIMs
   * with SMS or voice are then priced one by one).
   */
  readonly smsRate: number
  /** Per member: its SIM in the component, usage, SMS, current plan, and best unpooled option. */
  readonly sims: Int32Array
  readonly part: Uint8Array
  readonly usageMb: Float64Array
  readonly sms: Float64Array
  readonly voiceMinutes: Float64Array
  readonly current: Int32Array
  readonly unpooledPlan: Int32Array
  /** Penalty included. */
  readonly unpooledCost: Float64Array
  /** The member's cost on its current plan when that plan does not pool. */
  readonly currentUnpooledCost: Float64Array
  /** Plan the member is held to (see `fix`), or -1. */
  readonly fixed: Int32Array
}

/**
 * Floats in `value` relative size below this are rounding; the bound is lowered by that much to stay valid.
 * A float guard, not a tunable (options.ts): smaller, the bound could be a hair above the truth.
 */
const FLOAT_SAFETY = 1e-12

export class LagrangianEvaluator {
  readonly #groups: EnvelopeGroup[]
  /** Where each movable SIM sits among the groups. */
  readonly #groupOf: Int32Array
  readonly #memberOf: Int32Array
  readonly #lockedCharges: number
  readonly #lockedExcess: Float64Array
  /** Scratch for the envelope: lines' plans and breakpoints. */
  readonly #hullPlans: Int32Array
  readonly #hullFrom: Float64Array
  /** The envelope's lines: `intercept + slope·u`. */
  readonly #hullIntercept: Float64Array
  readonly #hullSlope: Float64Array

  constructor(
    readonly component: Component,
    /** Added to every option but a SIM's current plan: the minimum saving a change must bring. */
    readonly changePenalty = 0,
    /** Parts of the dual (`OptimizerOptions.dualParts`): each evaluation gives one value and excess per part. */
    readonly parts = DEFAULT_OPTIMIZER_OPTIONS.dualParts,
  ) {
    const c = component
    const n = c.simIndex.length
    this.#lockedExcess = new Float64Array(c.poolIndex.length)
    let lockedCharges = 0
    // Groups by (option set, proration factor); factors take few values (whole days over the period).
    const factorIndex = new Map<number, number>()
    const groupKey = new Map<number, { factor: number; set: number; sims: number[] }>()
    for (let s = 0; s < n; s++) {
      if (c.locked[s]) {
        const p = c.current[s]!
        lockedCharges += simCharge(c, s, p)
        const k = c.poolOfPlan[p]!
        if (k >= 0) this.#lockedExcess[k]! += c.usageMb[s]! - simAllowance(c, s, p)
        continue
      }
      const factor = c.factor[s]!
      let index = factorIndex.get(factor)
      if (index === undefined) factorIndex.set(factor, (index = factorIndex.size))
      const key = c.optionSet[s]! * 65_536 + index
      let group = groupKey.get(key)
      if (group === undefined) groupKey.set(key, (group = { factor, set: c.optionSet[s]!, sims: [] }))
      group.sims.push(s)
    }
    this.#lockedCharges = lockedCharges
    this.#groups = [...groupKey.values()].map(({ factor, set, sims }) => byUsage(this.#group(factor, set, sims)))
    this.#groupOf = new Int32Array(n).fill(-1)
    this.#memberOf = new Int32Array(n).fill(-1)
    for (const [index, group] of this.#groups.entries()) {
      for (let m = 0; m < group.sims.length; m++) {
        this.#groupOf[group.sims[m]!] = index
        this.#memberOf[group.sims[m]!] = m
      }
    }
    const widest = Math.max(1, ...this.#groups.map((group) => group.plans.length))
    this.#hullPlans = new Int32Array(widest)
    this.#hullFrom = new Float64Array(widest)
    this.#hullIntercept = new Float64Array(widest)
    this.#hullSlope = new Float64Array(widest)
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
      smsRate: rates.size <= 1 && !pooledPlans.some((p) => hasBundles(c.plans[p]!)) ? (rates.values().next().value ?? 0) : Number.NaN,
      sims: Int32Array.from(members),
      part: new Uint8Array(size),
      usageMb: new Float64Array(size),
      sms: new Float64Array(size),
      voiceMinutes: new Float64Array(size),
      current: new Int32Array(size),
      unpooledPlan: new Int32Array(size).fill(-1),
      unpooledCost: new Float64Array(size).fill(Infinity),
      currentUnpooledCost: new Float64Array(size),
      fixed: new Int32Array(size).fill(-1),
    }
    for (let m = 0; m < size; m++) {
      const s = members[m]!
      group.usageMb[m] = c.usageMb[s]!
      group.sms[m] = c.sms[s]!
      group.voiceMinutes[m] = c.voiceMinutes[s]!
      group.current[m] = c.current[s]!
      group.part[m] = partOfUsage(c.usageMb[s]!, this.parts)
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
    const pools = c.poolIndex.length
    const partCount = this.parts
    const partValue = new Float64Array(partCount)
    const partExcess = new Float64Array(partCount * pools)
    // Locked SIMs and the tolerance are constants of part 0.
    partValue[0] = this.#lockedCharges
    for (let k = 0; k < pools; k++) {
      partExcess[k] = this.#lockedExcess[k]! - MB_TOLERANCE
      partValue[0]! += lambda[k]! * partExcess[k]!
    }
    let magnitude = Math.abs(partValue[0]!)

    for (const group of this.#groups) {
      const f = group.factor
      const hullSize = this.#buildEnvelope(group, lambda)
      const hullPlans = this.#hullPlans
      const hullFrom = this.#hullFrom
      const hullIntercept = this.#hullIntercept
      const hullSlope = this.#hullSlope
      const { usageMb: usages, sms: smsCounts, voiceMinutes: voices, current: currents, unpooledCost, unpooledPlan, currentUnpooledCost, sims: members, part: parts, fixed } = group
      const perSimSms = Number.isNaN(group.smsRate)
      // The envelope piece covering the member's usage, walked from the previous member's: usage (nearly
      // always) grows along the members, and the walk back keeps it exact when it does not.
      let piece = 0
      for (let m = 0; m < members.length; m++) {
        const u = usages[m]!
        const count = smsCounts[m]!
        const voice = voices[m]!
        const now = currents[m]!
        let best = unpooledCost[m]!
        let bestPlan = unpooledPlan[m]!
        if (fixed[m]! >= 0) {
          bestPlan = fixed[m]!
          best = this.optionCost(members[m]!, bestPlan, lambda) + (bestPlan === now ? 0 : penalty)
        } else if ((count !== 0 || voice !== 0) && perSimSms) {
          // Pooled plans charge SMS or voice differently: price each. (Without either, every plan charges 0.)
          for (const p of group.plans) {
            const cost = lineCost(plans[p]!, lambda[poolOfPlan[p]!]!, f, u) + voiceSmsCharge(plans[p]!, count, voice) + (p === now ? 0 : penalty)
            if (cost < best) {
              best = cost
              bestPlan = p
            }
          }
        } else if (hullSize > 0) {
          // The envelope piece covering u: the last breakpoint at or below it.
          while (piece + 1 < hullSize && hullFrom[piece + 1]! <= u) piece++
          while (piece > 0 && hullFrom[piece]! > u) piece--
          let plan = hullPlans[piece]!
          const shared = count === 0 ? 0 : group.smsRate * count
          // lineCost of the piece's plan, its two terms computed once per evaluation.
          let cost = hullIntercept[piece]! + hullSlope[piece]! * u + shared
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
        const part = parts[m]!
        partValue[part]! += best
        magnitude += Math.abs(best)
        if (choice !== undefined) choice[members[m]!] = bestPlan
        const k = poolOfPlan[bestPlan]!
        if (k >= 0) partExcess[part * pools + k]! += u - allowanceMb(plans[bestPlan]!, f)
      }
    }
    if (choice !== undefined) for (let s = 0; s < c.locked.length; s++) if (c.locked[s]) choice[s] = current[s]!
    let value = 0
    const excess = new Float64Array(pools)
    for (let g = 0; g < partCount; g++) {
      value += partValue[g]!
      for (let k = 0; k < pools; k++) excess[k]! += partExcess[g * pools + k]!
    }
    // Rounding in the sums could lift the bound a hair above the truth; lower it by more than that.
    const safety = FLOAT_SAFETY * magnitude
    partValue[0]! -= safety
    return { value: value - safety, excess, partValue, partExcess }
  }

  /**
   * Holds movable SIM `s` on local plan `p` in every later evaluation (the dual of the problem with that
   * decision made), or frees it again with `p = -1`.
   */
  fix(s: number, p: number): void {
    const group = this.#groupOf[s]!
    if (group < 0) throw new Error(`SIM ${s} of the component is locked; it cannot be fixed`)
    this.#groups[group]!.fixed[this.#memberOf[s]!] = p
  }

  /** The part of the dual SIM `s` belongs to (locked SIMs: part 0). */
  partOf(s: number): number {
    return this.component.locked[s] ? 0 : partOfUsage(this.component.usageMb[s]!, this.parts)
  }

  /** SIM `s`'s Lagrangian cost on local plan `p` at `lambda` (no change penalty). */
  optionCost(s: number, p: number, lambda: Float64Array): number {
    const c = this.component
    const k = c.poolOfPlan[p]!
    if (k < 0) return simCharge(c, s, p)
    return lineCost(c.plans[p]!, lambda[k]!, c.factor[s]!, c.usageMb[s]!) + voiceSmsCharge(c.plans[p]!, c.sms[s]!, c.voiceMinutes[s]!)
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
    for (let i = 0; i < size; i++) {
      const p = hullPlans[i]!
      this.#hullSlope[i] = slope(p)
      this.#hullIntercept[i] = (plans[p]!.monthlyRate - slope(p) * plans[p]!.includedMb) * group.factor
    }
    return size
  }
}

/**
 * The group with its members in ascending usage: each evaluation then meets the envelope's pieces in order
 * and walks them instead of searching for each member's. (Built in SIM order first: reading the component
 * in usage order, scattered, made the evaluator's construction twice as slow at 1M SIMs.)
 */
function byUsage(group: EnvelopeGroup): EnvelopeGroup {
  const order = usageOrder(group.usageMb)
  const gather = <T extends Int32Array | Float64Array | Uint8Array>(values: T): T => {
    const sorted = values.slice() as T
    for (let m = 0; m < order.length; m++) sorted[m] = values[order[m]!]!
    return sorted
  }
  return {
    ...group,
    sims: gather(group.sims),
    part: gather(group.part),
    usageMb: gather(group.usageMb),
    sms: gather(group.sms),
    voiceMinutes: gather(group.voiceMinutes),
    current: gather(group.current),
    unpooledPlan: gather(group.unpooledPlan),
    unpooledCost: gather(group.unpooledCost),
    currentUnpooledCost: gather(group.currentUnpooledCost),
    fixed: gather(group.fixed),
  }
}

/** A SIM's Lagrangian cost on a pooled plan before SMS: `R·f + λ·(u − A·f)`. */
function lineCost(plan: RatePlan, lambda: number, factor: number, usage: number): number {
  return (plan.monthlyRate - lambda * plan.includedMb) * factor + lambda * usage
}
