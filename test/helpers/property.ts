/**
 * How the property tests run: a fixed seed so a failure in CI is the same failure on a laptop
 * (fast-check prints the seed and path of a counterexample; `SIMOPT_PROPERTY_SEED` explores other cases).
 */
import type { Parameters } from 'fast-check'

export const PROPERTY_SEED = Number(process.env.SIMOPT_PROPERTY_SEED ?? 1616)

/** `SIMOPT_PROPERTY_SCALE=20` runs 20 times the cases, to hunt for counterexamples outside CI. */
const SCALE = Number(process.env.SIMOPT_PROPERTY_SCALE ?? 1)

/** `numRuns` is sized so that each test file runs in well under 20 s on a quiet 2-core machine. */
export function propertyRuns<T>(numRuns: number): Parameters<T> {
  return { seed: PROPERTY_SEED, numRuns: Math.max(1, Math.round(numRuns * SCALE)) }
}
