/** The headline figures of an optimization, computed one way for the summary file, the reports and the messages. */
export interface SavingsFigures {
  readonly savings: number
  /** Savings as a percentage of the cost before. */
  readonly savingsPct: number
  /** `(costAfter - lowerBound) / costAfter` in percent; null without a bound. */
  readonly gapPct: number | null
}

export function savingsFigures(costBefore: number, costAfter: number, lowerBound: number | null): SavingsFigures {
  const savings = costBefore - costAfter
  return {
    savings,
    savingsPct: costBefore > 0 ? (savings / costBefore) * 100 : 0,
    gapPct: lowerBound === null ? null : costAfter > 0 ? ((costAfter - lowerBound) / costAfter) * 100 : 0,
  }
}
