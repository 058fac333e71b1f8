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
    gapPct: lowerBound === null ? null : gapPercent(costAfter, lowerBound),
  }
}

/** How far `cost` is above the proven `lowerBound`, in % of the cost; 0 for a cost of 0 and for float noise below the bound. */
export function gapPercent(cost: number, lowerBound: number): number {
  return cost > 0 ? (Math.max(0, cost - lowerBound) / cost) * 100 : 0
}
