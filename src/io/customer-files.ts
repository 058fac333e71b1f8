/**
 * The customer optimization's files (issue 20; columns in README.md and `examples/customers/`):
 * - `customer_plans.csv`: `plan_code,monthly_rate,included_mb,overage_block_mb,overage_block_price,sms_rate,pooled[,pool][,auto_change][,charge_type]`
 *   (`auto_change` true by default; `charge_type` one of `rate+overage` (default), `overage-only`, `rate-only`);
 * - `customer_pools.csv` (optional): `pool,overage_block_mb,overage_block_price`, as `pools.csv`;
 * - `customers.csv`: `iccid,customer,customer_plan[,customer_name][,bill_in_advance][,usage_mb,sms]`, one SIM a line,
 *   `customer` the customer's external id. `usage_mb` (and `sms`, 0 when absent) are what `customers optimize`
 *   prices; an import takes usage from the last sync instead and refuses the columns.
 */
import { CHARGE_TYPES, quoteInput, resolvePools, type ChargeType, type CustomerPlan, type CustomerSheet, type CustomerSim, type PoolDefinition } from '../domain/index.js'
import { booleanText, iccid, name, nonNegativeNumber } from './csv-fields.js'
import { readCsv, type CsvRow } from './csv-reader.js'
import { inputError } from './input-error.js'
import { carrierPlanTerms } from './plans-file.js'
import { readPoolsFile } from './pools-file.js'

export const CUSTOMER_PLAN_COLUMNS = {
  required: ['plan_code', 'monthly_rate', 'included_mb', 'overage_block_mb', 'overage_block_price', 'sms_rate', 'pooled'],
  optional: ['pool', 'auto_change', 'charge_type'],
} as const

export const CUSTOMER_SIM_COLUMNS = {
  required: ['iccid', 'customer', 'customer_plan'],
  optional: ['customer_name', 'bill_in_advance', 'usage_mb', 'sms'],
} as const

export interface CustomerPlansFile {
  readonly plans: CustomerPlan[]
  readonly pools: PoolDefinition[]
}

/** Reads the customer price sheet and checks it whole (pools resolve, rate-only plans do not pool). */
export async function readCustomerPlansFiles(plansFile: string, poolsFile?: string): Promise<CustomerPlansFile> {
  const plans: CustomerPlan[] = []
  const lines: number[] = []
  const seen = new Map<string, number>()
  await readCsv(plansFile, CUSTOMER_PLAN_COLUMNS, (row: CsvRow) => {
    const terms = carrierPlanTerms(row, seen)
    const chargeType = row.text('charge_type') === '' ? 'rate+overage' : chargeTypeOf(row)
    if (chargeType === 'rate-only' && terms.pooled) row.fail('charge_type', `plan ${quoteInput(terms.code, { bare: true })} is rate-only and pooled; a rate-only plan charges no overage, so it has nothing to pool`)
    plans.push({
      ...terms,
      autoChange: row.parseOptional('auto_change', booleanText, true),
      chargeType,
    })
    lines.push(row.line)
  })
  if (plans.length === 0) throw inputError({ file: plansFile }, 'has no plans')
  const pools = poolsFile === undefined ? [] : await readPoolsFile(poolsFile)
  const resolution = resolvePools(plans, pools)
  if (!resolution.ok) throw inputError({ file: plansFile, line: lines[resolution.planIndex] }, resolution.message)
  return { plans, pools }
}

function chargeTypeOf(row: CsvRow): ChargeType {
  const text = row.text('charge_type').toLowerCase()
  if ((CHARGE_TYPES as readonly string[]).includes(text)) return text as ChargeType
  return row.fail('charge_type', `must be one of ${CHARGE_TYPES.join(', ')}, got ${quoteInput(row.text('charge_type'))}`)
}

/** A row of `customers.csv` as read, before usage is known (imports). */
export interface CustomerSimLine {
  readonly iccid: string
  readonly customer: string
  readonly customerName: string
  readonly plan: string
  readonly billInAdvance: boolean
  readonly usageMb: number
  readonly sms: number
  readonly line: number
  /** Column of `iccid` in the file (from 1), for errors found later. */
  readonly iccidColumn: number
}

/**
 * Reads `customers.csv`. `usage: 'required'` for what-if runs on files; `'refused'` for imports, which price
 * the last synced usage. Checks: every plan is on the sheet, no ICCID twice (a SIM is billed to one customer).
 */
export async function readCustomerSimsFile(file: string, plans: readonly CustomerPlan[], usage: 'required' | 'refused'): Promise<CustomerSimLine[]> {
  const planCodes = new Set(plans.map((plan) => plan.code))
  const seen = new Map<string, number>()
  const names = new Map<string, { name: string; line: number }>()
  const sims: CustomerSimLine[] = []
  const checkHeader = (header: ReadonlyMap<string, number>): void => {
    if (usage === 'required' && !header.has('usage_mb')) throw inputError({ file, line: 1 }, 'missing column usage_mb (a what-if run prices the usage the file gives)')
    if (usage === 'refused') {
      for (const column of ['usage_mb', 'sms']) {
        if (header.has(column)) throw inputError({ file, line: 1, column: header.get(column)! + 1, columnName: column }, 'an import prices the usage of the last carrier sync; remove the column')
      }
    }
  }
  const { header } = await readCsv(file, CUSTOMER_SIM_COLUMNS, (row: CsvRow) => {
    if (sims.length === 0) checkHeader(row.header)
    const id = row.parse('iccid', iccid)
    const earlier = seen.get(id)
    if (earlier !== undefined) row.fail('iccid', `SIM ${id} is already listed on line ${earlier}; a SIM is billed to one customer at most`)
    seen.set(id, row.line)
    const customer = row.parse('customer', name)
    const customerName = row.text('customer_name') === '' ? '' : row.parse('customer_name', name)
    const known = names.get(customer)
    if (customerName !== '' && known !== undefined && known.name !== customerName) {
      row.fail('customer_name', `customer ${quoteInput(customer, { bare: true })} is named ${quoteInput(known.name)} on line ${known.line}`)
    }
    if (customerName !== '' && known === undefined) names.set(customer, { name: customerName, line: row.line })
    const plan = row.parse('customer_plan', name)
    if (!planCodes.has(plan)) row.fail('customer_plan', `unknown customer plan ${quoteInput(plan, { bare: true })}; the customer plans file does not define it`)
    sims.push({
      iccid: id,
      customer,
      customerName,
      plan,
      billInAdvance: row.parseOptional('bill_in_advance', booleanText, false),
      usageMb: usage === 'required' ? row.parse('usage_mb', nonNegativeNumber) : 0,
      sms: usage === 'required' ? row.parseOptional('sms', nonNegativeNumber, 0) : 0,
      line: row.line,
      iccidColumn: row.header.get('iccid')! + 1,
    })
  })
  checkHeader(header)
  if (sims.length === 0) throw inputError({ file }, 'has no SIMs')
  return sims
}

/** The sheet a what-if run prices: plans, pools and the SIMs with their file usage. */
export async function readCustomerSheetFiles(files: { plans: string; customers: string; pools?: string | undefined }): Promise<{ sheet: CustomerSheet; names: Map<string, string> }> {
  const { plans, pools } = await readCustomerPlansFiles(files.plans, files.pools)
  const lines = await readCustomerSimsFile(files.customers, plans, 'required')
  const planIndex = new Map(plans.map((plan, index) => [plan.code, index]))
  const names = new Map<string, string>()
  const sims: CustomerSim[] = lines.map((line) => {
    if (line.customerName !== '') names.set(line.customer, line.customerName)
    return { iccid: line.iccid, customer: line.customer, plan: planIndex.get(line.plan)!, usageMb: line.usageMb, sms: line.sms, billInAdvance: line.billInAdvance }
  })
  return { sheet: { plans, poolDefinitions: pools, sims }, names }
}
