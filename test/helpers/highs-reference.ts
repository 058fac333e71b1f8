/**
 * The optimization problem as a mixed-integer program for HiGHS, an independent check on the optimizer:
 * one binary per (movable SIM, allowed plan), one integer block count per pool.
 *
 *   minimize  Σ c_ip·x_ip + Σ_k O_k·b_k + (locked SIMs' charges)
 *   subject to Σ_p x_ip = 1 for every movable SIM,
 *              Σ (u_i − A_p·f_i)·x_ip − D_k·b_k ≤ tolerance − (locked SIMs' excess) for every pool k.
 *
 * `c_ip` is the SIM's monthly and SMS charge on plan p plus, on an unpooled plan, its exact overage.
 * Without integrality it is the LP relaxation, whose value the optimizer's bound should approach.
 */
import {
  MB_TOLERANCE,
  allowanceMb,
  monthlyCharge,
  prorationFactor,
  smsCharge,
  unpooledOverageCharge,
  type Problem,
} from '../../src/domain/index.js'
import type { Highs } from './highs.js'

export interface ReferenceSolution {
  readonly status: string
  /** Best cost found (MIP) or the relaxation's optimum (LP); NaN without a solution. */
  readonly value: number
  /** For a MIP: HiGHS's own proven lower bound. */
  readonly dualBound: number
  /** For a MIP with a solution: each SIM's plan index. */
  readonly assignment: Int32Array | undefined
  readonly seconds: number
}

export function solveWithHighs(highs: Highs, problem: Problem, options: { integer: boolean; timeLimitSeconds?: number }): ReferenceSolution {
  const { plans, pools, poolOfPlan, commPlans, sims, billing } = problem
  const columnSim: number[] = []
  const columnPlan: number[] = []
  const cost: number[] = []
  const starts: number[] = [0]
  const indices: number[] = []
  const values: number[] = []
  const poolRow = (k: number) => simRows + k
  let offset = 0
  const lockedExcess = new Float64Array(pools.length)
  const rowOfSim = new Int32Array(sims.count).fill(-1)
  let simRows = 0
  for (let i = 0; i < sims.count; i++) if (sims.autoChange[i] === 1) rowOfSim[i] = simRows++

  for (let i = 0; i < sims.count; i++) {
    const factor = prorationFactor(sims.daysActive[i]!, billing)
    const charge = (p: number) =>
      monthlyCharge(plans[p]!, factor) +
      smsCharge(plans[p]!, sims.sms[i]!) +
      (poolOfPlan[p]! < 0 ? unpooledOverageCharge(plans[p]!, sims.usageMb[i]!, factor) : 0)
    const net = (p: number) => sims.usageMb[i]! - allowanceMb(plans[p]!, factor)
    if (rowOfSim[i] === -1) {
      const p = sims.currentPlan[i]!
      offset += charge(p)
      if (poolOfPlan[p]! >= 0) lockedExcess[poolOfPlan[p]!]! += net(p)
      continue
    }
    for (const p of commPlans[sims.commPlan[i]!]!.allowedPlans) {
      columnSim.push(i)
      columnPlan.push(p)
      cost.push(charge(p))
      indices.push(rowOfSim[i]!)
      values.push(1)
      if (poolOfPlan[p]! >= 0) {
        indices.push(poolRow(poolOfPlan[p]!))
        values.push(net(p))
      }
      starts.push(indices.length)
    }
  }
  const simColumns = cost.length
  for (const [k, pool] of pools.entries()) {
    cost.push(pool.overageBlockPrice)
    indices.push(poolRow(k))
    values.push(-pool.overageBlockMb)
    starts.push(indices.length)
  }
  const numCols = cost.length
  const numRows = simRows + pools.length
  const rowLower = new Float64Array(numRows)
  const rowUpper = new Float64Array(numRows)
  for (let r = 0; r < simRows; r++) rowLower[r] = rowUpper[r] = 1
  for (let k = 0; k < pools.length; k++) {
    rowLower[poolRow(k)] = -highs.infinity
    rowUpper[poolRow(k)] = MB_TOLERANCE - lockedExcess[k]!
  }
  const colUpper = new Float64Array(numCols).fill(highs.infinity)
  colUpper.fill(1, 0, simColumns)

  const started = performance.now()
  const model = highs.createModel({
    numCols,
    numRows,
    offset,
    colCost: Float64Array.from(cost),
    colLower: new Float64Array(numCols),
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: 'csc', numRows, numCols, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
    ...(options.integer ? { integrality: Int32Array.from({ length: numCols }, () => 1) } : {}),
  })
  try {
    model.options.set({ output_flag: false, time_limit: options.timeLimitSeconds ?? 60, mip_rel_gap: 0, mip_abs_gap: 0 })
    model.run()
    const seconds = (performance.now() - started) / 1000
    const status = model.getModelStatus()
    const names = Object.entries(highs.constants.modelStatus).find(([, code]) => code === status)?.[0] ?? String(status)
    const hasSolution = (model.info.get('primal_solution_status') as number) === highs.constants.solutionStatus.feasible
    const value = hasSolution ? model.getObjectiveValue() : Number.NaN
    const dualBound = options.integer ? Number(model.info.get('mip_dual_bound')) : value
    let assignment: Int32Array | undefined
    if (options.integer && hasSolution) {
      const { colValue } = model.getSolution()
      assignment = sims.currentPlan.slice()
      for (let j = 0; j < simColumns; j++) if (colValue[j]! > 0.5) assignment[columnSim[j]!] = columnPlan[j]!
    }
    return { status: names, value, dualBound, assignment, seconds }
  } finally {
    model.dispose()
  }
}
