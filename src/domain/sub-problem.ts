import type { Problem } from './problem.js'
import type { SimTable } from './sim-table.js'

/**
 * The same price sheet with only the SIMs of `rows` (in that order). Plans, pools and communication plans
 * keep their indexes, so a sub-problem's assignment reads the same as the whole problem's. When `rows` is
 * a component (no pool reaches outside it), its bill is exactly its share of the whole bill.
 */
export function subProblem(problem: Problem, rows: ArrayLike<number>): Problem {
  const { sims } = problem
  const count = rows.length
  const table: SimTable = {
    count,
    iccid: Array.from({ length: count }, (_, i) => sims.iccid[rows[i]!]!),
    usageMb: Float64Array.from({ length: count }, (_, i) => sims.usageMb[rows[i]!]!),
    sms: Float64Array.from({ length: count }, (_, i) => sims.sms[rows[i]!]!),
    ...(sims.voiceMinutes === undefined ? {} : { voiceMinutes: Float64Array.from({ length: count }, (_, i) => sims.voiceMinutes![rows[i]!]!) }),
    commPlan: Int32Array.from({ length: count }, (_, i) => sims.commPlan[rows[i]!]!),
    currentPlan: Int32Array.from({ length: count }, (_, i) => sims.currentPlan[rows[i]!]!),
    daysActive: Float64Array.from({ length: count }, (_, i) => sims.daysActive[rows[i]!]!),
    autoChange: Uint8Array.from({ length: count }, (_, i) => sims.autoChange[rows[i]!]!),
  }
  return { ...problem, sims: table }
}
