/** `simopt import`: a tenant's price sheet and fleet from the CSV files of DESIGN.md §6 into the database. */
import { Command, Option } from 'commander'
import { z } from 'zod'
import { FLEET_KINDS, SimoptError, type FleetKind } from '../domain/index.js'
import { importFleetFiles } from '../services/imports.service.js'
import { formatCount } from './format.js'
import { nameArgument, parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

interface ImportOptions {
  tenant: string
  provider: string
  period: string
  plans: string
  commPlans?: string
  fleet: FleetKind
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
    .option('--comm-plans <file>', 'communication plans and the rate plans each allows (comm_plans.csv); M2M fleets only')
    .addOption(new Option('--fleet <kind>', 'm2m, or mobility: the plans file names optimization groups, and the provider becomes a Mobility provider').choices(FLEET_KINDS).default('m2m'))
    .option('--sims <file>', 'SIMs with usage, communication plan and current plan (sims.csv); without it, only the price sheet is replaced (for a provider whose fleet comes from its carrier)')
    .option('--pools <file>', 'overage terms of named pools (pools.csv)')
    .option('--prorate', 'the carrier prorates SIMs active part of the period (a provider setting)')
    .option('--time-zone <zone>', 'billing time zone of a new provider', 'UTC')
    .option('--cycle-end-day <day>', 'day of the month the billing cycle ends on, at the cycle end hour, for a new provider (1 with hour 0: calendar months; 0 means 1)', '0')
    .option('--cycle-end-hour <hour>', 'hour the billing cycle ends, for a new provider', '0')
    .action(async (options: ImportOptions) => {
      const fleet = parseOption('--fleet', options.fleet, z.enum(FLEET_KINDS))
      if ((fleet === 'm2m') !== (options.commPlans !== undefined)) {
        throw new SimoptError('INPUT_INVALID', fleet === 'm2m' ? 'option --comm-plans is required for an M2M fleet (a Mobility fleet, --fleet mobility, needs none)' : 'option --comm-plans is for M2M fleets; a Mobility fleet\'s SIMs move within their optimization group and rate plan type')
      }
      const cycleEndDay = parseOption('--cycle-end-day', options.cycleEndDay, wholeNumberOption(0, 31))
      const cycleEndHour = parseOption('--cycle-end-hour', options.cycleEndHour, wholeNumberOption(0, 23))
      await withService(async (service) => {
        const counts = await importFleetFiles(service, {
          tenant: options.tenant,
          provider: options.provider,
          period: options.period,
          files:
            fleet === 'mobility'
              ? { fleet, plans: options.plans, sims: options.sims, pools: options.pools }
              : { plans: options.plans, commPlans: options.commPlans!, sims: options.sims, pools: options.pools },
          prorate: options.prorate,
          newCycle: { timeZone: options.timeZone, cycleEndDay, cycleEndHour },
        })
        const imported = options.sims === undefined ? 'the price sheet' : `${formatCount(counts.devices)} SIMs`
        process.stdout.write(
          `imported ${imported}, ${counts.plans} rate plans and ${counts.commPlans} ${fleet === 'mobility' ? 'optimization group and rate plan type sets' : 'communication plans'} ` +
            `for tenant ${options.tenant}, provider ${options.provider}, period ${options.period}\n`,
        )
      })
    })
}
