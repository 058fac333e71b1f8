import { writeFile } from 'node:fs/promises'
import { savingsFigures, type FleetKind, type Problem } from '../domain/index.js'
import type { OptimizationResult, OptimizerInfo } from '../optimizer/index.js'

/** `summary.json`: the figures of one optimization. Money unrounded, in the account's currency. */
export interface RunSummary {
  /** `m2m` or `mobility`: what kind of fleet was optimized. */
  readonly fleet: FleetKind
  readonly strategy: string
  readonly sims: number
  readonly plans: number
  /** SIMs whose new plan differs from their current one. */
  readonly changes: number
  readonly costBefore: number
  readonly costAfter: number
  readonly savings: number
  /** Savings as a percentage of the cost before. */
  readonly savingsPct: number
  /** Proven lower bound on any assignment's cost; null when the strategy does not certify one. */
  readonly lowerBound: number | null
  /** `(costAfter - lowerBound) / costAfter` in percent; null without a bound. */
  readonly gapPct: number | null
  /** Cost of the old system's method (`seed` strategy) on the same input. */
  readonly baselineCost: number
  /** Seconds the strategy took. */
  readonly seconds: number
  /**
   * How the optimizer ran: its status (`optimal`, `within-gap`, `gap-open`, `no-bound`), components and why
   * each stopped, dual evaluations, milliseconds per phase (docs/optimizer.md, "Result info").
   */
  readonly optimizer: OptimizerInfo
}

export function summarize(problem: Problem, result: OptimizationResult): RunSummary {
  let changes = 0
  for (let i = 0; i < problem.sims.count; i++) if (result.assignment[i] !== problem.sims.currentPlan[i]) changes++
  const costBefore = result.before.total
  const costAfter = result.priced.total
  const lowerBound = result.lowerBound ?? null
  return {
    fleet: problem.fleet ?? 'm2m',
    strategy: result.strategy,
    sims: problem.sims.count,
    plans: problem.plans.length,
    changes,
    costBefore,
    costAfter,
    ...savingsFigures(costBefore, costAfter, lowerBound),
    lowerBound,
    baselineCost: result.baselineCost,
    seconds: result.seconds,
    optimizer: result.info,
  }
}

export async function writeSummaryFile(file: string, summary: RunSummary): Promise<void> {
  await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`)
}
