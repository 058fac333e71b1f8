/**
 * `simopt customers optimize|import|list` (issue 20): what-if runs of the customer optimization on files alone,
 * the customer price sheet and memberships into the database, and the tenant's customers.
 */
import { Command } from 'commander'
import { SimoptError, customersOf, formatAmount, quoteInput } from '../domain/index.js'
import { checkOutputs, readCustomerSheetFiles, writeCsv, writeOutputs, type PendingOutput } from '../io/index.js'
import { CUSTOMER_RESULT_COLUMNS, customerResultRows, customerResultValues, optimizeCustomer, type CustomerOutcome } from '../optimizer/index.js'
import { importCustomerFiles, tenantCustomers } from '../services/customers.service.js'
import { formatCount, formatPercent } from './format.js'
import { nameArgument } from './options.js'
import { withService } from './service.js'

interface OptimizeOptions {
  customerPlans: string
  customers: string
  customerPools?: string
  customer?: string
  out?: string
  summary?: string
}

export function customersCommand(): Command {
  const customers = new Command('customers').description('customer optimization: the cheapest customer rate plan for every SIM a reseller bills')
  customers.addCommand(
    new Command('optimize')
      .description('what-if run on files alone: per customer, the bill before and after, the proven bound, the gap and the old method')
      .requiredOption('--customer-plans <file>', 'customer rate plans (customer_plans.csv)')
      .requiredOption('--customers <file>', 'SIMs billed to each customer, with their customer plan and usage (customers.csv)')
      .option('--customer-pools <file>', 'overage terms of named customer rate pools (customer_pools.csv)')
      .option('--customer <id>', 'only this customer (external id)')
      .option('--out <file>', 'write the recommended customer plan of every SIM (CSV)')
      .option('--summary <file>', 'write the figures per customer (JSON)')
      .action(async (options: OptimizeOptions) => {
        const outputs = [
          ...(options.out === undefined ? [] : [{ path: options.out, option: '--out' }]),
          ...(options.summary === undefined ? [] : [{ path: options.summary, option: '--summary' }]),
        ]
        const inputs = [
          { path: options.customerPlans, option: '--customer-plans' },
          { path: options.customers, option: '--customers' },
          ...(options.customerPools === undefined ? [] : [{ path: options.customerPools, option: '--customer-pools' }]),
        ]
        await checkOutputs(outputs, inputs)
        const { sheet, names } = await readCustomerSheetFiles({ plans: options.customerPlans, customers: options.customers, pools: options.customerPools })
        const wanted = customersOf(sheet)
        if (options.customer !== undefined && !wanted.includes(options.customer)) {
          throw new SimoptError('INPUT_INVALID', `option --customer: ${quoteInput(options.customer)} has no SIM in ${options.customers}`)
        }
        const outcomes: CustomerOutcome[] = []
        for (const customer of options.customer === undefined ? wanted : [options.customer]) outcomes.push(await optimizeCustomer(sheet, customer, { workers: 0 }))
        const pending: PendingOutput[] = []
        if (options.out !== undefined) {
          pending.push({ path: options.out, option: '--out', write: (file) => writeCsv(file, CUSTOMER_RESULT_COLUMNS, outcomes.flatMap((outcome) => [...customerResultRows(outcome)].map(customerResultValues))) })
        }
        if (options.summary !== undefined) {
          const summary = outcomes.map((o) => ({ customer: o.customer, name: names.get(o.customer) ?? o.customer, sims: o.sims, changes: o.changes, billBefore: o.billBefore, billAfter: o.billAfter, costBefore: o.costBefore, costAfter: o.costAfter, lowerBound: o.lowerBound, gapPct: o.gapPct, baselineCost: o.baselineCost, seconds: o.seconds }))
          pending.push({ path: options.summary, option: '--summary', write: async (file) => (await import('node:fs/promises')).writeFile(file, `${JSON.stringify({ customers: summary }, null, 2)}\n`) })
        }
        await writeOutputs(pending)
        process.stdout.write(`${customerTable(outcomes, names)}\n`)
      }),
  )
  customers.addCommand(
    new Command('import')
      .description("replace a tenant's customer rate plans, pools and the SIMs billed to each customer (the SIMs must be devices of the tenant's providers)")
      .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
      .requiredOption('--customer-plans <file>', 'customer rate plans (customer_plans.csv)')
      .requiredOption('--customers <file>', 'SIMs billed to each customer and their customer plan (customers.csv, without usage)')
      .option('--customer-pools <file>', 'overage terms of named customer rate pools (customer_pools.csv)')
      .action(async (options: { tenant: string; customerPlans: string; customers: string; customerPools?: string }) => {
        await withService(async (service) => {
          const counts = await importCustomerFiles(service, { tenant: options.tenant, plans: options.customerPlans, pools: options.customerPools, customers: options.customers })
          process.stdout.write(
            `imported ${formatCount(counts.sims)} SIMs of ${formatCount(counts.customers)} customers (${formatCount(counts.newCustomers)} new) and ${counts.plans} customer rate plans for tenant ${options.tenant}\n`,
          )
        })
      }),
  )
  customers.addCommand(
    new Command('list')
      .description("a tenant's customers: external id, name and SIMs billed to each")
      .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
      .action(async (options: { tenant: string }) => {
        await withService(async (service) => {
          const rows = await tenantCustomers(service, options.tenant)
          const lines = [['customer', 'name', 'SIMs'], ...rows.map((row) => [row.external_id, row.name, formatCount(row.sims)])]
          process.stdout.write(`${columns(lines)}\n`)
        })
      }),
  )
  return customers
}

function customerTable(outcomes: readonly CustomerOutcome[], names: ReadonlyMap<string, string>): string {
  // A customer sharing a named pool with others: bound, gap and old method are on its bill with those pools priced whole.
  const shared = outcomes.some((o) => Math.abs(o.costAfter - o.billAfter) > 1e-6 || Math.abs(o.costBefore - o.billBefore) > 1e-6)
  const header = ['customer', 'SIMs', 'changes', 'bill before', 'bill after', ...(shared ? ['pools whole'] : []), 'bound', 'gap', 'old method']
  const line = (label: string, o: Pick<CustomerOutcome, 'sims' | 'changes' | 'billBefore' | 'billAfter' | 'costAfter' | 'lowerBound' | 'baselineCost'>, gap: string) => [
    label,
    formatCount(o.sims),
    formatCount(o.changes),
    formatAmount(o.billBefore),
    formatAmount(o.billAfter),
    ...(shared ? [formatAmount(o.costAfter)] : []),
    formatAmount(o.lowerBound),
    gap,
    formatAmount(o.baselineCost),
  ]
  const rows = outcomes.map((o) => line(names.has(o.customer) ? `${o.customer} (${names.get(o.customer)})` : o.customer, o, formatPercent(o.gapPct, 3)))
  const sum = (pick: (o: CustomerOutcome) => number) => outcomes.reduce((total, o) => total + pick(o), 0)
  rows.push(line('total', { sims: sum((o) => o.sims), changes: sum((o) => o.changes), billBefore: sum((o) => o.billBefore), billAfter: sum((o) => o.billAfter), costAfter: sum((o) => o.costAfter), lowerBound: sum((o) => o.lowerBound), baselineCost: sum((o) => o.baselineCost) }, ''))
  const note = shared ? '\n"pools whole": the bill after with the named pools the customer shares priced whole (other customers\' shares included); bound, gap and old method are on that figure' : ''
  return columns([header, ...rows]) + note
}

/** Left-aligned first column, right-aligned others. */
function columns(lines: readonly (readonly string[])[]): string {
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((line) => (line[c] ?? '').length)))
  return lines.map((line) => line.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n')
}
