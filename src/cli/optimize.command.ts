/** `simopt optimize`: price sheet and fleet files in, the cheapest assignment found and its summary out. */
import { Command, Option } from 'commander'
import { z } from 'zod'
import { DEFAULT_CURRENCY, DEFAULT_TIME_ZONE } from '../domain/index.js'
import { checkOutputs, writeAssignmentFile, writeOutputs, writeSummaryFile, type InputSource, type OutputTarget, type PendingOutput, type RunSummary } from '../io/index.js'
import { reportFromOptimization, writeReportCsv, writeReportWorkbook, type ReportSource } from '../io/report/index.js'
import { STRATEGIES, type StrategyName } from '../optimizer/index.js'
import { optimizeFiles } from '../services/reports.service.js'
import { formatCount, formatMoney, formatPercent, formatTable } from './format.js'
import { moneyOption, parseOption, periodDaysOption } from './options.js'

interface OptimizeCommandOptions {
  plans: string
  commPlans: string
  sims: string
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
    .requiredOption('--comm-plans <file>', 'communication plans and the rate plans each allows (comm_plans.csv)')
    .requiredOption('--sims <file>', 'SIMs with usage, communication plan and current plan (sims.csv)')
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
      const minSavingPerChange =
        options.minSavingPerChange === undefined ? undefined : parseOption('--min-saving-per-change', options.minSavingPerChange, moneyOption)
      // An output that would overwrite an input or land on a folder is refused before anything is read.
      await checkOutputs(outputTargets(options), inputSources(options))
      const { problem, result, summary, startedAt, readAt, finishedAt } = await optimizeFiles(
        { plans: options.plans, commPlans: options.commPlans, sims: options.sims, pools: options.pools },
        { periodDays, prorate: options.prorate },
        { strategy, minSavingPerChange },
      )
      const outputs: PendingOutput[] = [
        { path: options.out, option: '--out', write: (file) => writeAssignmentFile(file, problem, result.assignment, result.before, result.priced) },
        { path: options.summary, option: '--summary', write: (file) => writeSummaryFile(file, summary) },
      ]
      if (options.xlsx !== undefined || options.reportCsv !== undefined) {
        const report = reportFromOptimization(problem, result, {
          tenant: null,
          provider: 'files',
          period: null,
          sessionId: null,
          startedAt,
          finishedAt,
          stages: [
            { name: 'read files', seconds: (readAt - startedAt) / 1000 },
            { name: 'optimize', seconds: (finishedAt - readAt) / 1000 },
          ],
          devicesSyncedTill: null,
          usageMeasuredTill: null,
          generatedAt: finishedAt,
          // Files name no currency or time zone: the defaults.
          currency: DEFAULT_CURRENCY,
          timeZone: DEFAULT_TIME_ZONE,
        })
        outputs.push(...reportOutputs(report, options))
      }
      await writeOutputs(outputs)
      process.stdout.write(`${summaryTable(summary)}\n  wrote ${listOf(outputs.map((output) => output.path))}\n`)
    })
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
    { path: options.commPlans, option: '--comm-plans' },
    { path: options.sims, option: '--sims' },
  ]
  if (options.pools !== undefined) sources.push({ path: options.pools, option: '--pools' })
  return sources
}

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

function summaryTable(summary: RunSummary): string {
  const rows: [string, string, string?][] = [
    ['strategy', summary.strategy],
    ['SIMs', formatCount(summary.sims)],
    ['changes', formatCount(summary.changes)],
    ['cost before', formatMoney(summary.costBefore)],
    ['cost after', formatMoney(summary.costAfter)],
    ['savings', formatMoney(summary.savings), `(${formatPercent(summary.savingsPct)})`],
  ]
  if (summary.lowerBound !== null && summary.gapPct !== null) {
    rows.push(['lower bound', formatMoney(summary.lowerBound)], ['gap', formatPercent(summary.gapPct, 3)])
  }
  if (summary.strategy !== 'seed') rows.push(['old method', formatMoney(summary.baselineCost)])
  return formatTable(rows)
}
