/**
 * The voice and SMS term of the cost model: what one SIM pays on a plan for its calls and messages.
 * It depends on that SIM alone (voice and SMS bundles are per line, never pooled), so it adds to the
 * SIM's monthly charge like the SMS rate does, and the optimizer's per-SIM prices stay exact.
 */
import { overageBlocks } from './overage-blocks.js'
import type { MeteredAllowance, RatePlan } from './rate-plan.js'

/** Charge for `used` units against a bundle: whole blocks beyond what it includes; 0 without a bundle. */
export function meteredCharge(terms: MeteredAllowance | undefined, used: number): number {
  if (terms === undefined) return 0
  return overageBlocks(used - terms.included, terms.blockSize) * terms.blockPrice
}

/**
 * Voice and SMS charge of one SIM on `plan`: the per-message SMS rate, plus whatever its voice and SMS
 * bundles sell beyond their allowances (a plan without bundles: the SMS rate alone, as for M2M).
 */
export function voiceSmsCharge(plan: RatePlan, sms: number, voiceMinutes: number): number {
  return plan.smsRate * sms + meteredCharge(plan.voice, voiceMinutes) + meteredCharge(plan.text, sms)
}

/** Whether the plan bills voice or SMS by bundle (so a SIM's charge on it is not linear in its SMS). */
export function hasBundles(plan: RatePlan): boolean {
  return plan.voice !== undefined || plan.text !== undefined
}
