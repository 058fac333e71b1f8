/**
 * The optimizer's tunables, in one place (docs/optimizer.md has them as a table). Every budget is a count of
 * work (dual evaluations, moves priced, front points), never a clock, so a given problem and options give
 * the same answer on every machine. The defaults are what the benchmark was tuned on; the comments say what
 * was measured and what moving each one trades.
 *
 * Float guards (the size below which a saving or a tie is rounding, and the bound's safety margin) are not
 * options: they keep the bound proven and the answer deterministic, and are next to the code they protect.
 */

export interface OptimizerOptions {
  // Which method a component gets.

  /**
   * Components with at most this many assignments (product of each movable SIM's plan count) are
   * enumerated for the exact optimum. Default 200,000 (milliseconds each). Raising it makes more small
   * components exact at a cost growing with the count; 0 never enumerates.
   */
  readonly exhaustiveLimit: number
  /**
   * Relative gap (cost minus bound, over cost) under which a component is done after its first search.
   * Default 1e-4 (0.01%). Above it, small components (`refineMaxSims`) get a second search, the lumpy-pool
   * bound and the branching bound. Also the gap under which a result's status is `within-gap`.
   */
  readonly refineMinGap: number
  /**
   * Components with more SIMs skip the second search and the lumpy-pool bound (they still get the branching
   * bound's budget). Default 5,000: from 10k to 1M SIMs those found nothing in the benchmark and cost up to
   * eight times the rest (100k x 100). Raising it spends that time on bigger components.
   */
  readonly refineMaxSims: number

  // The dual (lagrangian.ts, dual-ascent.ts).

  /**
   * Parts of the dual (SIMs banded by usage on a log scale, one cutting plane per part per evaluation).
   * Default 16. More parts model the dual better per evaluation but make the master LP bigger; with one
   * part, 48 pools took over 500 evaluations without converging (30 to 80 with 16).
   */
  readonly dualParts: number
  /**
   * The dual ascent stops when its model promises less than this share of the bound more. Default 1e-7.
   * Lowering it buys a tighter bound with more evaluations.
   */
  readonly dualTolerance: number
  /** Dual evaluations one ascent may make (a cold start). Default 400; an ascent that hits it leaves the bound uncertified as the dual's maximum (still a valid bound). */
  readonly dualMaxEvaluations: number
  /**
   * First half-width of a cold ascent's box, in shares of each pool's price ceiling `O/D`. Default 0.25.
   * Wider boxes step further per evaluation but trust the model further from where it was measured.
   */
  readonly dualRadius: number
  /**
   * Box half-width of a warm ascent (a dive's, a branching child's), which starts at its parent's prices.
   * Default 0.05; wider re-explores more of the price space per held SIM.
   */
  readonly warmRadius: number

  // Dives (dive.ts).

  /** Most SIMs a dive holds before it settles for the rounding it has. Default 40. */
  readonly maxDives: number
  /**
   * Dual evaluations (the roundings' included) the dives of a 10k-SIM component may spend; the budget falls
   * with the square of the size (about 110 at 30k, 10 at 100k: no dive). Default 1,000, all a 10k component
   * needed in the benchmark. Raising it lets big components dive (at 100k x 40 dives took 5.5 s of 7 for
   * nothing); lowering it costs the small ones their gap (10k x 15 ended 0.16% above the bound without dives).
   */
  readonly diveEvaluationsAt10k: number
  /** A pool's drift from the LP is worth a dive when it costs at least this share of the bound. Default 1e-5. */
  readonly diveThreshold: number

  // Local search (local-search.ts, pool-knapsack.ts, pool-swap.ts).

  /**
   * Components with at most this many SIMs to decide get every SIM in each pool's exact search and a wide
   * front (`smallKnapsackPoints`), and an unlimited search budget. Default 500: on 60 random 100-300 SIM
   * instances that matched HiGHS's proven optimum on 59.
   */
  readonly smallComponent: number
  /** Front points the pool searches keep in a small component. Default 20,000 (exact in practice). */
  readonly smallKnapsackPoints: number
  /** SIMs a pool search considers in a bigger component, the most promising at the pool's dual price. Default 200. */
  readonly knapsackItems: number
  /** Front points a pool search keeps in a bigger component. Default 4,000. */
  readonly knapsackPoints: number
  /**
   * Search budget (moves and front points priced) of a component with more than `smallComponent` and at
   * most `searchBudgetSmallSims` SIMs to decide. Defaults 20 million and 5,000 (such components also get
   * the refinement step).
   */
  readonly searchBudgetSmall: number
  readonly searchBudgetSmallSims: number
  /**
   * Above `searchBudgetSmallSims` SIMs to decide the budget is `searchBudgetScale / SIMs`, kept between `searchBudgetMin` and
   * `searchBudgetMax`. Defaults 6e11, 10 million and 60 million: at 10k x 100 (48 pools) the search stopped
   * 0.051% above the bound with 20 million and 0.029% with 60 million; from 100k SIMs the rounds past the
   * first 10 million found nothing in the benchmark and cost 0.3 s at 100k x 40, 0.5 s at 1M x 15.
   */
  readonly searchBudgetScale: number
  readonly searchBudgetMin: number
  readonly searchBudgetMax: number
  /** Rounds of sweeps, repairs and pool searches before a search gives up (if its budget has not). Default 30. */
  readonly searchRounds: number
  /** Cycles of rebuilding every pool at the dual prices, each kept only if the bill drops. Default 3. */
  readonly pricedCycles: number
  /**
   * A search starts no new pass once its cost is within this share of the component's dual bound. Default 0:
   * only once it meets the bound (to float noise), when no pass can gain anything; earlier, searches went on
   * after that (issue 20: most of a customer run's time). Customer runs use 1e-4, `refineMinGap`'s target.
   */
  readonly searchStopGap: number
  /** Rounds of swaps across pools, each followed by the search. Default 5. */
  readonly swapRounds: number
  /** Biggest pooled SIMs whose pairs the swaps try. Default 300 (45,000 pairs); the work counts against the search budget. */
  readonly swapSims: number

  // Bounds (branch-bound.ts, strengthen-bound.ts).

  /**
   * Dual evaluations the branching bound may spend on a 10k-SIM component with a gap left and at most
   * `branchFullPools` pools, falling with the square of the size (about 65 at 30k, none from 40k up).
   * Default 600: at 10k x 15 (generator seed 2) it took the gap from 0.076% to 0.041%. Raising it raises the
   * bound (never the cost) for time; at 10k x 100, 600 evaluations took 2.7 s for at most 0.001%.
   */
  readonly branchEvaluationsAt10k: number
  /** Cap of the branching budget on small components, whose evaluations are cheap but whose trees are wide. Default 2,000. */
  readonly branchEvaluationsMax: number
  /** Above this many pools the branching budget falls as `branchFullPools / pools`. Default 6. */
  readonly branchFullPools: number
  /** A smaller branching budget than this cannot solve the two children of one branching: not started. Default 40. */
  readonly branchEvaluationsMin: number
  /** Lumpy-pool bound: a pool's Pareto front larger than this is abandoned (the bound stays the dual's). Default 50,000. */
  readonly frontMaxPoints: number
  /**
   * Lumpy-pool bound: front points built per pool (points times moves, summed over SIMs) before the pool
   * is abandoned. Default 2 million; at 1k x 15 the bound took the gap from 0.10% to 0.023%.
   */
  readonly frontMaxWork: number
}

export const DEFAULT_OPTIMIZER_OPTIONS: OptimizerOptions = Object.freeze({
  exhaustiveLimit: 200_000,
  refineMinGap: 1e-4,
  refineMaxSims: 5_000,
  dualParts: 16,
  dualTolerance: 1e-7,
  dualMaxEvaluations: 400,
  dualRadius: 0.25,
  warmRadius: 0.05,
  maxDives: 40,
  diveEvaluationsAt10k: 1_000,
  diveThreshold: 1e-5,
  smallComponent: 500,
  smallKnapsackPoints: 20_000,
  knapsackItems: 200,
  knapsackPoints: 4_000,
  searchBudgetSmall: 20_000_000,
  searchBudgetSmallSims: 5_000,
  searchBudgetScale: 6e11,
  searchBudgetMin: 10_000_000,
  searchBudgetMax: 60_000_000,
  searchRounds: 30,
  pricedCycles: 3,
  searchStopGap: 0,
  swapRounds: 5,
  swapSims: 300,
  branchEvaluationsAt10k: 600,
  branchEvaluationsMax: 2_000,
  branchFullPools: 6,
  branchEvaluationsMin: 40,
  frontMaxPoints: 50_000,
  frontMaxWork: 2_000_000,
})

/** The defaults with `overrides` applied; keys given as `undefined` keep their default. */
export function optimizerOptions(overrides: Partial<OptimizerOptions> = {}): OptimizerOptions {
  const options: { -readonly [K in keyof OptimizerOptions]: OptimizerOptions[K] } = { ...DEFAULT_OPTIMIZER_OPTIONS }
  for (const key of Object.keys(DEFAULT_OPTIMIZER_OPTIONS) as (keyof OptimizerOptions)[]) {
    const value = overrides[key]
    if (value !== undefined) options[key] = value
  }
  return options
}
