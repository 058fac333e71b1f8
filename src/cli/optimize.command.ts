/** `simopt optimize`: price sheet and fleet files in, the cheapest assignment found and its summary out. */
import { Command, Option } from 'commander'
import { z } from 'zod'
import { readProblemFiles, summarize, writeAssignmentFile, writeOutputs, writeSummaryFile, type RunSummary } from '../io/index.js'
import { STRATEGIES, optimize, type StrategyName } from '../optimizer/index.js'
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
    .addOption(new Option('--strategy <name>', 'optimization method').choices(STRATEGIES).default(STRATEGIES[0]))
    .option('--min-saving-per-change <amount>', 'change a SIM\'s plan only if that change alone saves at least this much on the bill')
    .action(async (options: OptimizeCommandOptions) => {
      const periodDays = parseOption('--period-days', options.periodDays, periodDaysOption)
      const strategy = parseOption('--strategy', options.strategy, z.enum(STRATEGIES))
      const minSavingPerChange =
        options.minSavingPerChange === undefined ? undefined : parseOption('--min-saving-per-change', options.minSavingPerChange, moneyOption)
      const problem = await readProblemFiles(
        { plans: options.plans, commPlans: options.commPlans, sims: options.sims, pools: options.pools },
        { periodDays, prorate: options.prorate },
      )
      const result = await optimize(problem, { strategy, minSavingPerChange })
      const summary = summarize(problem, result)
      await writeOutputs([
        { path: options.out, write: (file) => writeAssignmentFile(file, problem, result.assignment, result.before, result.priced) },
        { path: options.summary, write: (file) => writeSummaryFile(file, summary) },
      ])
      process.stdout.write(`${summaryTable(summary)}\n  wrote ${options.out} and ${options.summary}\n`)
    })
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
