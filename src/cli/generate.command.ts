/** `simopt generate`: a realistic synthetic price sheet and fleet as CSV files, to try simopt or benchmark it. */
import { Command, Option } from 'commander'
import { generateFleet } from '../demo/index.js'
import { writeProblemFiles } from '../io/index.js'
import { formatCount } from './format.js'
import { parseOption, periodDaysOption, wholeNumberOption } from './options.js'

export function generateCommand(): Command {
  return new Command('generate')
    .description('write a synthetic price sheet and fleet (plans.csv, pools.csv, comm_plans.csv, sims.csv) to a folder')
    .requiredOption('--out <folder>', 'folder to write the files to')
    .option('--sims <count>', 'number of SIMs', '3000')
    .option('--plans <count>', 'number of rate plans', '12')
    .option('--seed <number>', 'random seed; the same seed gives the same files', '1')
    .option('--period-days <days>', 'length of the billing period in days', '30')
    .addOption(new Option('--comm-plans <kind>', 'realistic: four communication plans with different plan sets; single: one allowing all').choices(['realistic', 'single']).default('realistic'))
    .action(async (options: { out: string; sims: string; plans: string; seed: string; periodDays: string; commPlans: 'realistic' | 'single' }) => {
      const problem = generateFleet({
        sims: parseOption('--sims', options.sims, wholeNumberOption(1, 10_000_000)),
        plans: parseOption('--plans', options.plans, wholeNumberOption(1, 1000)),
        seed: parseOption('--seed', options.seed, wholeNumberOption(0, 2 ** 32 - 1)),
        periodDays: parseOption('--period-days', options.periodDays, periodDaysOption),
        commPlans: options.commPlans,
      })
      await writeProblemFiles(options.out, problem)
      process.stdout.write(`wrote ${formatCount(problem.sims.count)} SIMs and ${problem.plans.length} plans to ${options.out}\n`)
    })
}
