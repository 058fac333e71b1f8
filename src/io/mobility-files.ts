/**
 * The file set of a Mobility fleet: plans with their rate plan type, optimization group and voice / SMS
 * bundles (plans.csv), optional pool terms per group (pools.csv), and SIMs with voice minutes (sims.csv).
 * No communication plans file: a SIM's allowed plans are its group's plans of its current plan's type.
 */
import { SimTableBuilder, createMobilityProblem, mobilityPriceSheet, resolvePools, type BillingTerms, type PoolDefinition, type Problem } from '../domain/index.js'
import { inputError } from './input-error.js'
import { readPlansFile } from './plans-file.js'
import { readPoolsFile } from './pools-file.js'
import { readProblemFiles, type ProblemFiles } from './problem-files.js'
import { readSimsFile } from './sims-file.js'

export interface MobilityFiles {
  readonly plans: string
  /** Absent: the price sheet alone (a provider whose fleet comes from its carrier). */
  readonly sims?: string | undefined
  /** Overage terms of a group's pool, the pool named as the group. */
  readonly pools?: string | undefined
}

/**
 * Reads and cross-checks a Mobility fleet's files.
 * @throws SimoptError `INPUT_INVALID` naming the file, line and column of the first thing wrong.
 */
export async function readMobilityFiles(files: MobilityFiles, billing: BillingTerms): Promise<Problem> {
  const { plans, lines, groups, header } = await readPlansFile(files.plans)
  const at = (line: number | undefined, columnName: string) => {
    const index = header.get(columnName)
    return { file: files.plans, line, columnName, ...(index === undefined ? {} : { column: index + 1 }) }
  }
  if (groups.length === 0) {
    throw inputError(at(1, 'optimization_group'), 'names no optimization group; a Mobility fleet pools and moves SIMs by the optimization_group of their plans')
  }
  const resolution = mobilityPriceSheet(plans, groups)
  if (!resolution.ok) throw inputError(at(lines[resolution.planIndex], resolution.field), resolution.message)
  const { sheet } = resolution
  const poolDefinitions: PoolDefinition[] = files.pools === undefined ? [] : await readPoolsFile(files.pools)
  const pools = resolvePools(sheet.plans, poolDefinitions)
  if (!pools.ok) throw inputError(at(lines[pools.planIndex], 'optimization_group'), pools.message)
  const sims = files.sims === undefined ? new SimTableBuilder(1).build() : await readSimsFile(files.sims, { plans: sheet.plans, commPlans: sheet.commPlans, periodDays: billing.periodDays, mobility: sheet })
  return createMobilityProblem({ plans, groups, poolDefinitions, sims, billing })
}

/** The files of an M2M fleet (`fleet` absent or `m2m`) or of a Mobility fleet. */
export type FleetFiles = (ProblemFiles & { readonly fleet?: 'm2m' | undefined }) | (MobilityFiles & { readonly fleet: 'mobility' })

/** Reads the files of either fleet kind into its problem. */
export async function readFleetFiles(files: FleetFiles, billing: BillingTerms): Promise<Problem> {
  return files.fleet === 'mobility' ? readMobilityFiles(files, billing) : readProblemFiles(files, billing)
}
