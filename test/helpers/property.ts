/**
 * How the property tests run: a fixed seed so a failure in CI is the same failure on a laptop
 * (fast-check prints the seed and path of a counterexample; `SIMOPT_PROPERTY_SEED` replays or explores).
 */
import type { Parameters } from 'fast-check'

export const PROPERTY_SEED = Number(process.env.SIMOPT_PROPERTY_SEED ?? 1616)

export function propertyRuns<T>(numRuns: number): Parameters<T> {
  return { seed: PROPERTY_SEED, numRuns }
}
