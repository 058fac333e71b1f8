/**
 * The cost model of DESIGN.md §2 for one component's SIMs, in the terms the optimizer works with: what a SIM
 * pays on a plan by itself, and what it adds to its pool. Everything goes through the domain's cost
 * functions, so the optimizer prices exactly as `priceAssignment` does.
 */
import { allowanceMb, monthlyCharge, overageCharge, unpooledOverageCharge, voiceSmsCharge } from '../domain/index.js'
import type { Component } from './component.js'

/** What SIM `s` pays on local plan `p` by itself: monthly, voice and SMS, plus overage when the plan does not pool. */
export function simCharge(component: Component, s: number, p: number): number {
  const plan = component.plans[p]!
  const factor = component.factor[s]!
  const charge = monthlyCharge(plan, factor) + voiceSmsCharge(plan, component.sms[s]!, component.voiceMinutes[s]!)
  return component.poolOfPlan[p]! < 0 ? charge + unpooledOverageCharge(plan, component.usageMb[s]!, factor) : charge
}

/** MB of allowance SIM `s` brings to its pool on local plan `p`. */
export function simAllowance(component: Component, s: number, p: number): number {
  return allowanceMb(component.plans[p]!, component.factor[s]!)
}

/** Overage charge of local pool `k` holding `usage` MB against `allowance` MB. */
export function poolCharge(component: Component, k: number, usage: number, allowance: number): number {
  return overageCharge(usage - allowance, component.poolBlockMb[k]!, component.poolBlockPrice[k]!)
}

/** Running totals of an assignment: SIM charges and each pool's usage and allowance. */
export class ComponentLedger {
  readonly poolUsage: Float64Array
  readonly poolAllowance: Float64Array
  simCharges = 0

  constructor(
    readonly component: Component,
    readonly choice: Int32Array,
  ) {
    this.poolUsage = new Float64Array(component.poolIndex.length)
    this.poolAllowance = new Float64Array(component.poolIndex.length)
    this.recompute()
  }

  /** Sums everything afresh (float drift from many moves never accumulates past a recompute). */
  recompute(): void {
    const { component, choice } = this
    this.poolUsage.fill(0)
    this.poolAllowance.fill(0)
    let charges = 0
    for (let s = 0; s < choice.length; s++) {
      const p = choice[s]!
      charges += simCharge(component, s, p)
      const k = component.poolOfPlan[p]!
      if (k >= 0) {
        this.poolUsage[k]! += component.usageMb[s]!
        this.poolAllowance[k]! += simAllowance(component, s, p)
      }
    }
    this.simCharges = charges
  }

  poolCharge(k: number): number {
    return poolCharge(this.component, k, this.poolUsage[k]!, this.poolAllowance[k]!)
  }

  total(): number {
    let total = this.simCharges
    for (let k = 0; k < this.poolUsage.length; k++) total += this.poolCharge(k)
    return total
  }

  /** Change of the total if SIM `s` moved to local plan `q`. */
  moveDelta(s: number, q: number): number {
    const { component } = this
    const p = this.choice[s]!
    if (p === q) return 0
    let delta = simCharge(component, s, q) - simCharge(component, s, p)
    const from = component.poolOfPlan[p]!
    const to = component.poolOfPlan[q]!
    const usage = component.usageMb[s]!
    if (from >= 0 && from === to) {
      const before = this.poolCharge(from)
      const allowance = this.poolAllowance[from]! - simAllowance(component, s, p) + simAllowance(component, s, q)
      return delta + poolCharge(component, from, this.poolUsage[from]!, allowance) - before
    }
    if (from >= 0) {
      delta += poolCharge(component, from, this.poolUsage[from]! - usage, this.poolAllowance[from]! - simAllowance(component, s, p)) - this.poolCharge(from)
    }
    if (to >= 0) {
      delta += poolCharge(component, to, this.poolUsage[to]! + usage, this.poolAllowance[to]! + simAllowance(component, s, q)) - this.poolCharge(to)
    }
    return delta
  }

  move(s: number, q: number): void {
    const { component } = this
    const p = this.choice[s]!
    if (p === q) return
    this.simCharges += simCharge(component, s, q) - simCharge(component, s, p)
    const from = component.poolOfPlan[p]!
    const to = component.poolOfPlan[q]!
    const usage = component.usageMb[s]!
    if (from >= 0) {
      this.poolUsage[from]! -= usage
      this.poolAllowance[from]! -= simAllowance(component, s, p)
    }
    if (to >= 0) {
      this.poolUsage[to]! += usage
      this.poolAllowance[to]! += simAllowance(component, s, q)
    }
    this.choice[s] = q
  }
}
