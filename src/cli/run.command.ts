/** `simopt run` and `simopt restart`: start (or start again) an optimization session. */
import { Command, Option } from 'commander'
import { SimoptError } from '../domain/index.js'
import { restartSession, startCustomerSession, startSession } from '../services/sessions.service.js'
import type { SessionView } from '../store/index.js'
import { sessionSummary } from './session-summary.js'
import { nameArgument } from './options.js'
import { withService } from './service.js'
import { waitForSession } from './session-wait.js'

interface RunOptions {
  tenant: string
  provider?: string
  type: 'carrier' | 'customer'
  customer?: string
  allCustomers?: boolean
  period: string
  wait?: boolean
  sync: boolean
}

export function runCommand(): Command {
  return new Command('run')
    .description('start an optimization session; prints its id on the first line')
    .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
    .option('--provider <name>', 'service provider (carrier account); required for a carrier session', nameArgument('--provider'))
    .requiredOption('--period <YYYY-MM>', 'billing period')
    .addOption(new Option('--type <type>', 'carrier: the carrier rate plans of one provider; customer: the customer rate plans of the tenant\'s customers').choices(['carrier', 'customer']).default('carrier'))
    .option('--customer <id>', 'customer session: only this customer (external id)')
    .option('--all-customers', 'customer session: every customer of the tenant')
    .option('--no-sync', 'optimize the devices and usage already stored, without syncing from the carrier first')
    .option('--wait', 'show progress and wait for the session to end; exit 0 when done, 1 when it failed')
    .action(async (options: RunOptions) => {
      const customer = options.type === 'customer'
      if (customer && (options.customer === undefined) === (options.allCustomers !== true)) {
        throw new SimoptError('INPUT_INVALID', 'a customer session (--type customer) takes --customer C or --all-customers, one of them')
      }
      if (customer && options.provider !== undefined) throw new SimoptError('INPUT_INVALID', 'option --provider is for carrier sessions; a customer session covers every provider of the tenant')
      if (!customer && options.provider === undefined) throw new SimoptError('INPUT_INVALID', "required option '--provider <name>' not specified")
      if (!customer && (options.customer !== undefined || options.allCustomers === true)) throw new SimoptError('INPUT_INVALID', 'options --customer and --all-customers are for --type customer')
      await withService(async (service) => {
        const { id } = customer
          ? await startCustomerSession(service, { tenant: options.tenant, period: options.period, customer: options.customer, trigger: 'manual' })
          : await startSession(service, { tenant: options.tenant, provider: options.provider!, period: options.period, trigger: 'manual', sync: options.sync })
        process.stdout.write(`${id}\n`)
        if (options.wait === true) process.exitCode = report(await waitForSession(service, id))
      })
    })
}

export function restartCommand(): Command {
  return new Command('restart')
    .description('run a failed or cancelled session again')
    .argument('<session>', 'session id')
    .option('--wait', 'show progress and wait for the session to end; exit 0 when done, 1 when it failed')
    .action(async (sessionId: string, options: { wait?: boolean }) => {
      await withService(async (service) => {
        await restartSession(service, sessionId)
        process.stdout.write(`${sessionId}\n`)
        if (options.wait === true) process.exitCode = report(await waitForSession(service, sessionId))
      })
    })
}

/** Prints how the session ended; the exit code: 0 done, 1 otherwise. */
export function report(view: SessionView): number {
  process.stderr.write(`${sessionSummary(view)}\n`)
  return view.status === 'done' ? 0 : 1
}
