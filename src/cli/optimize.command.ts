import { availableParallelism } from 'node:os'
/** `simopt optimize`: price sheet and fleet files in, the cheapest assignment found and its summary out. */
import { Command, Option } from 'commander'
import { z } from 'zod'
import { FLEET_KINDS, SimoptError, formatAmount, type FleetKind } from '../domain/index.js'
import { checkOutputs, writeAssignmentFile, writeOutputs, writeSummaryFile, type InputSource, type OutputTarget, type PendingOutput, type RunSummary } from '../io/index.js'
import { writeReportCsv, writeReportWorkbook, type ReportSource } from '../io/report/index.js'
import type { BillingTerms } from '../domain/index.js'
import { STRATEGIES, type OptimizeOptions, type StrategyName } from '../optimizer/index.js'
import { optimizeFiles, reportOfFiles } from '../services/reports.service.js'
import { formatCount, formatPercent, formatTable } from './format.js'
import { moneyOption, parseOption, periodDaysOption } from './options.js'
import { terminalProgress, type TerminalProgress } from './terminal-progress.js'

interface OptimizeCommandOptions {
  plans: string
  commPlans?: string
  sims: string
  fleet: FleetKind
  pools?: string
  periodDays: string
  prorate: boolean
  out: string
  summary: string
  xlsx?: string
  reportCsv?: string
  strategy: StrategyName
  minSavingPerChange?: string
}

export function optimizeCommand(): Command {
  return new Command('optimize')
    .description('find the cheapest assignment of SIMs to rate plans for a price sheet and fleet given as CSV files')
    .requiredOption('--plans <file>', 'rate plans (plans.csv)')
    .option('--comm-plans <file>', 'communication plans and the rate plans each allows (comm_plans.csv); M2M fleets only')
    .requiredOption('--sims <file>', 'SIMs with usage, communication plan and current plan (sims.csv)')
    .addOption(new Option('--fleet <kind>', 'm2m, or mobility: plans pool and move by optimization group and rate plan type').choices(FLEET_KINDS).default('m2m'))
    .option('--pools <file>', 'overage terms of named pools shared by several plans (pools.csv)')
    .option('--period-days <days>', 'length of the billing period in days', '30')
    .option('--prorate', 'prorate monthly rate and allowance of SIMs active part of the period', false)
    .option('--out <file>', 'where to write the assignment', 'assignment.csv')
    .option('--summary <file>', 'where to write the summary', 'summary.json')
    .option('--xlsx <file>', 'also write the report workbook (summary, assignments, plans, changes)')
    .option('--report-csv <file>', 'also write the report\'s table of every SIM as CSV')
    .addOption(new Option('--strategy <name>', 'optimization method').choices(STRATEGIES).default(STRATEGIES[0]))
    .option('--min-saving-per-change <amount>', 'change a SIM\'s plan only if that change alone saves at least this much on the bill')
    .action(async (options: OptimizeCommandOptions) => {
      const periodDays = parseOption('--period-days', options.periodDays, periodDaysOption)
      const strategy = parseOption('--strategy', options.strategy, z.enum(STRATEGIES))
      const fleet = parseOption('--fleet', options.fleet, z.enum(FLEET_KINDS))
      if (fleet === 'm2m' && options.commPlans === undefined) {
        throw new SimoptError('INPUT_INVALID', 'option --comm-plans is required for an M2M fleet (a Mobility fleet, --fleet mobility, needs none)')
      }
      if (fleet === 'mobility' && options.commPlans !== undefined) {
        throw new SimoptError('INPUT_INVALID', 'option --comm-plans is for M2M fleets; a Mobility fleet\'s SIMs move within their optimization group and rate plan type')
      }
      const minSavingPerChange =
        options.minSavingPerChange === undefined ? undefined : parseOption('--min-saving-per-change', options.minSavingPerChange, moneyOption)
      // An output that would overwrite an input or land on a folder is refused before anything is read.
      await checkOutputs(outputTargets(options), inputSources(options))
      const progress = terminalProgress()
      try {
        await optimizeAndWrite(options, { periodDays, prorate: options.prorate }, { strategy, minSavingPerChange }, progress)
      } finally {
        progress.end()
      }
    })
}

async function optimizeAndWrite(options: OptimizeCommandOptions, billing: BillingTerms, tuning: OptimizeOptions, progress: TerminalProgress): Promise<void> {
  progress.say('reading the files')
  const run = await optimizeFiles(
    options.fleet === 'mobility'
      ? { fleet: 'mobility', plans: options.plans, sims: options.sims, pools: options.pools }
      : { plans: options.plans, commPlans: options.commPlans!, sims: options.sims, pools: options.pools },
    billing,
    {
      ...tuning,
      // On a terminal every component goes to a worker thread, so that the progress line goes on ticking
      // while a large one is solved (the answer does not depend on where a component is solved).
      ...(progress.shown ? { workers: availableParallelism() } : {}),
      onProgress: (solved, components) => progress.say(`optimizing: ${formatCount(solved)} of ${formatCount(components)} component${components === 1 ? '' : 's'} solved`),
    },
  )
  progress.say('writing the files')
  const { problem, result, summary } = run
  const outputs: PendingOutput[] = [
    { path: options.out, option: '--out', write: (file) => writeAssignmentFile(file, problem, result.assignment, result.before, result.priced) },
    { path: options.summary, option: '--summary', write: (file) => writeSummaryFile(file, summary) },
  ]
  if (options.xlsx !== undefined || options.reportCsv !== undefined) {
    outputs.push(...reportOutputs(reportOfFiles(run, 'files'), options))
  }
  await writeOutputs(outputs)
  progress.end()
  process.stdout.write(`${summaryTable(summary)}\n  wrote ${listOf(outputs.map((output) => output.path))}\n`)
}

function reportOutputs(report: ReportSource, options: OptimizeCommandOptions): PendingOutput[] {
  const outputs: PendingOutput[] = []
  if (options.xlsx !== undefined) {
    outputs.push({
      path: options.xlsx,
      option: '--xlsx',
      write: async (file) => {
        await writeReportWorkbook(file, report)
      },
    })
  }
  if (options.reportCsv !== undefined) outputs.push({ path: options.reportCsv, option: '--report-csv', write: (file) => writeReportCsv(file, report) })
  return outputs
}

function outputTargets(options: OptimizeCommandOptions): OutputTarget[] {
  const targets: OutputTarget[] = [
    { path: options.out, option: '--out' },
    { path: options.summary, option: '--summary' },
  ]
  if (options.xlsx !== undefined) targets.push({ path: options.xlsx, option: '--xlsx' })
  if (options.reportCsv !== undefined) targets.push({ path: options.reportCsv, option: '--report-csv' })
  return targets
}

function inputSources(options: OptimizeCommandOptions): InputSource[] {
  const sources: InputSource[] = [
    { path: options.plans, option: '--plans' },
    { path: options.sims, option: '--sims' },
  ]
  if (options.commPlans !== undefined) sources.push({ path: options.commPlans, option: '--comm-plans' })
  if (options.pools !== undefined) sources.push({ path: options.pools, option: '--pools' })
  return sources
}

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

function summaryTable(summary: RunSummary): string {
  const rows: [string, string, string?][] = [
    ...(summary.fleet === 'mobility' ? [['fleet', 'Mobility'] as [string, string]] : []),
    ['strategy', summary.strategy],
    ['SIMs', formatCount(summary.sims)],
    ['changes', formatCount(summary.changes)],
    ['cost before', formatAmount(summary.costBefore)],
    ['cost after', formatAmount(summary.costAfter)],
    ['savings', formatAmount(summary.savings), `(${formatPercent(summary.savingsPct)})`],
  ]
  if (summary.lowerBound !== null && summary.gapPct !== null) {
    rows.push(['lower bound', formatAmount(summary.lowerBound)], ['gap', formatPercent(summary.gapPct, 3)])
  }
  if (summary.strategy !== 'seed') rows.push(['old method', formatAmount(summary.baselineCost)])
  return formatTable(rows)
}
