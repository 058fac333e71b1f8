/** `simopt import`: a tenant's price sheet and fleet from the CSV files of DESIGN.md §6 into the database. */
import { Command } from 'commander'
import { importFleetFiles } from '../services/imports.service.js'
import { formatCount } from './format.js'
import { nameArgument, parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

interface ImportOptions {
  tenant: string
  provider: string
  period: string
  plans: string
  commPlans: string
  sims?: string
  pools?: string
  prorate?: boolean
  timeZone: string
  cycleEndDay: string
  cycleEndHour: string
}

export function importCommand(): Command {
  return new Command('import')
    .description('load a price sheet and a fleet from CSV files into the database (creates tenant, provider and period when missing)')
    .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
    .requiredOption('--provider <name>', 'service provider (carrier account) of the tenant', nameArgument('--provider'))
    .requiredOption('--period <YYYY-MM>', 'billing period the usage belongs to')
    .requiredOption('--plans <file>', 'rate plans (plans.csv)')
    .requiredOption('--comm-plans <file>', 'communication plans and the rate plans each allows (comm_plans.csv)')
    .option('--sims <file>', 'SIMs with usage, communication plan and current plan (sims.csv); without it, only the price sheet is replaced (for a provider whose fleet comes from its carrier)')
    .option('--pools <file>', 'overage terms of named pools (pools.csv)')
    .option('--prorate', 'the carrier prorates SIMs active part of the period (a provider setting)')
    .option('--time-zone <zone>', 'billing time zone of a new provider', 'UTC')
    .option('--cycle-end-day <day>', 'day of the month the billing cycle ends on, at the cycle end hour, for a new provider (1 with hour 0: calendar months; 0 means 1)', '0')
    .option('--cycle-end-hour <hour>', 'hour the billing cycle ends, for a new provider', '0')
    .action(async (options: ImportOptions) => {
      const cycleEndDay = parseOption('--cycle-end-day', options.cycleEndDay, wholeNumberOption(0, 31))
      const cycleEndHour = parseOption('--cycle-end-hour', options.cycleEndHour, wholeNumberOption(0, 23))
      await withService(async (service) => {
        const counts = await importFleetFiles(service, {
          tenant: options.tenant,
          provider: options.provider,
          period: options.period,
          files: { plans: options.plans, commPlans: options.commPlans, sims: options.sims, pools: options.pools },
          prorate: options.prorate,
          newCycle: { timeZone: options.timeZone, cycleEndDay, cycleEndHour },
        })
        const fleet = options.sims === undefined ? 'the price sheet' : `${formatCount(counts.devices)} SIMs`
        process.stdout.write(
          `imported ${fleet}, ${counts.plans} rate plans and ${counts.commPlans} communication plans ` +
            `for tenant ${options.tenant}, provider ${options.provider}, period ${options.period}\n`,
        )
      })
    })
}
