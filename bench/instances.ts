/** The benchmark's instances: generated from a fixed seed, the same for every method. */
import { generateFleet } from '../src/demo/fleet-generator.js'
import type { Problem } from '../src/domain/index.js'

export interface InstanceSpec {
  readonly sims: number
  readonly plans: number
}

export const SIM_COUNTS = [1_000, 10_000, 100_000, 1_000_000] as const
export const PLAN_COUNTS = [8, 15, 40, 100] as const

/** Realistic fleet (idle SIMs, a heavy tail, pooled and unpooled plans, four communication plans, proration). */
export function instance(spec: InstanceSpec): Problem {
  return generateFleet({ sims: spec.sims, plans: spec.plans, seed: 1 })
}

export function label(spec: InstanceSpec): string {
  return `${spec.sims.toLocaleString('en-US')} x ${spec.plans}`
}
