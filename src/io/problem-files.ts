/**
 * The file set of `simopt optimize` (DESIGN.md §6): reads plans, pools, communication plans and SIMs into
 * a checked {@link Problem}, and writes a problem back as the same files (examples, benchmarks, tests).
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { SimTableBuilder, createProblem, resolvePools, type BillingTerms, type OptimizationGroup, type PoolDefinition, type Problem, type RatePlan } from '../domain/index.js'
import { readCommPlansFile } from './comm-plans-file.js'
import { writeCsv } from './csv-writer.js'
import { inputError } from './input-error.js'
import { readPlansFile } from './plans-file.js'
import { readPoolsFile } from './pools-file.js'
import { readSimsFile } from './sims-file.js'

export interface ProblemFiles {
  readonly plans: string
  readonly commPlans: string
  /** Absent: the price sheet alone (a provider whose fleet comes from its carrier). */
  readonly sims?: string | undefined
  readonly pools?: string | undefined
}

/**
 * Reads and cross-checks the files of one problem.
 * @throws SimoptError `INPUT_INVALID` naming the file, line and column of the first thing wrong.
 */
export async function readProblemFiles(files: ProblemFiles, billing: BillingTerms): Promise<Problem> {
  const { plans, lines, groups } = await readPlansFile(files.plans)
  refuseMobilityTerms(files.plans, plans, lines, groups)
  const poolDefinitions: PoolDefinition[] = files.pools === undefined ? [] : await readPoolsFile(files.pools)
  const resolution = resolvePools(plans, poolDefinitions)
  if (!resolution.ok) throw inputError({ file: files.plans, line: lines[resolution.planIndex], columnName: 'pool' }, resolution.message)
  const commPlans = await readCommPlansFile(files.commPlans, new Map(plans.map((plan, index) => [plan.code, index])))
  const sims = files.sims === undefined ? new SimTableBuilder(1).build() : await readSimsFile(files.sims, { plans, commPlans, periodDays: billing.periodDays })
  return createProblem({ plans, poolDefinitions, commPlans, sims, billing })
}

/**
 * An M2M fleet has no optimization groups or rate plan types: read as M2M, a Mobility price sheet would pool
 * nothing by group and move SIMs across plan types, without a word. Bundles are priced in either fleet.
 */
function refuseMobilityTerms(file: string, plans: readonly RatePlan[], lines: readonly number[], groups: readonly OptimizationGroup[]): void {
  const mobility = 'is for Mobility fleets: give --fleet mobility (or leave the column empty for an M2M fleet)'
  const typed = plans.findIndex((plan) => plan.type !== undefined)
  if (typed >= 0) throw inputError({ file, line: lines[typed], columnName: 'rate_plan_type' }, mobility)
  const grouped = groups.length === 0 ? -1 : plans.findIndex((plan) => plan.code === groups[0]!.planCodes[0])
  if (grouped >= 0) throw inputError({ file, line: lines[grouped], columnName: 'optimization_group' }, mobility)
}

/** Writes `problem` as plans.csv, pools.csv, comm_plans.csv and sims.csv in `folder`; returns their paths. */
export async function writeProblemFiles(folder: string, problem: Problem): Promise<Required<{ [K in keyof ProblemFiles]-?: string }>> {
  await mkdir(folder, { recursive: true })
  const files = {
    plans: path.join(folder, 'plans.csv'),
    pools: path.join(folder, 'pools.csv'),
    commPlans: path.join(folder, 'comm_plans.csv'),
    sims: path.join(folder, 'sims.csv'),
  }
  const { plans, commPlans, sims } = problem
  await writeCsv(
    files.plans,
    ['plan_code', 'monthly_rate', 'included_mb', 'overage_block_mb', 'overage_block_price', 'sms_rate', 'pooled', 'pool'],
    plans.map((plan) => [plan.code, plan.monthlyRate, plan.includedMb, plan.overageBlockMb, plan.overageBlockPrice, plan.smsRate, plan.pooled, plan.pool ?? '']),
  )
  await writeCsv(
    files.pools,
    ['pool', 'overage_block_mb', 'overage_block_price'],
    problem.pools
      .filter((pool) => plans[pool.plans[0]!]!.pool !== undefined)
      .map((pool) => [pool.name, pool.overageBlockMb, pool.overageBlockPrice]),
  )
  await writeCsv(
    files.commPlans,
    ['comm_plan', 'rate_plans'],
    commPlans.map((commPlan) => [commPlan.name, commPlan.allowedPlans.map((index) => plans[index]!.code).join(';')]),
  )
  await writeCsv(
    files.sims,
    ['iccid', 'usage_mb', 'sms', 'comm_plan', 'current_plan', 'days_active', 'auto_change'],
    (function* () {
      for (let i = 0; i < sims.count; i++) {
        yield [
          sims.iccid[i]!,
          sims.usageMb[i]!,
          sims.sms[i]!,
          commPlans[sims.commPlan[i]!]!.name,
          plans[sims.currentPlan[i]!]!.code,
          sims.daysActive[i]!,
          sims.autoChange[i] === 1,
        ]
      }
    })(),
  )
  return files
}
