/**
 * `plans.csv`: `plan_code,monthly_rate,included_mb,overage_block_mb,overage_block_price,sms_rate,pooled[,pool]`,
 * and for Mobility fleets `[rate_plan_type,optimization_group]` and the voice and SMS bundles
 * `[voice_included_min,voice_block_min,voice_block_price,sms_included,sms_block,sms_block_price]`.
 */
import { quoteInput, type MeteredAllowance, type OptimizationGroup, type RatePlan } from '../domain/index.js'
import { booleanText, name, nonNegativeNumber, positiveNumber } from './csv-fields.js'
import { readCsv, type CsvRow } from './csv-reader.js'
import { inputError } from './input-error.js'

/** Columns only Mobility fleets use (the optimization group may also come from its own file). */
export const MOBILITY_PLAN_COLUMNS = ['rate_plan_type', 'optimization_group', 'voice_included_min', 'voice_block_min', 'voice_block_price', 'sms_included', 'sms_block', 'sms_block_price'] as const

export const PLAN_COLUMNS = {
  required: ['plan_code', 'monthly_rate', 'included_mb', 'overage_block_mb', 'overage_block_price', 'sms_rate', 'pooled'],
  optional: ['pool', ...MOBILITY_PLAN_COLUMNS],
} as const

/** A bundle's three columns: units included, units per overage block, price per block. */
const VOICE_COLUMNS = ['voice_included_min', 'voice_block_min', 'voice_block_price'] as const
const TEXT_COLUMNS = ['sms_included', 'sms_block', 'sms_block_price'] as const

export interface PlansFile {
  readonly plans: RatePlan[]
  /** Line of each plan in the file, for errors found later (pools, communication plans). */
  readonly lines: number[]
  /** Groups named in the `optimization_group` column, in order of first mention. */
  readonly groups: OptimizationGroup[]
  /** Column index of each header name, for errors found later. */
  readonly header: ReadonlyMap<string, number>
}

export async function readPlansFile(file: string): Promise<PlansFile> {
  const plans: RatePlan[] = []
  const lines: number[] = []
  const seen = new Map<string, number>()
  const groups = new Map<string, string[]>()
  const { header } = await readCsv(file, PLAN_COLUMNS, (row: CsvRow) => {
    const code = row.parse('plan_code', name)
    // comm_plans.csv lists plan codes split on ';' and trimmed: a code it cannot name is refused here, on its own line.
    if (code.includes(';')) row.fail('plan_code', 'must not contain ";", which separates plan codes in the communication plans file')
    plans.push({ ...carrierPlanTerms(row, seen), ...mobilityTerms(row) })
    if (row.text('optimization_group') !== '') {
      const group = row.parse('optimization_group', name)
      groups.set(group, [...(groups.get(group) ?? []), code])
    }
    lines.push(row.line)
  })
  if (plans.length === 0) throw inputError({ file }, 'has no plans')
  return { plans, lines, groups: [...groups].map(([groupName, planCodes]) => ({ name: groupName, planCodes })), header }
}

/**
 * A plan line's code and carrier terms (rate, allowance, overage block, SMS, pooling), checked: the code unique
 * in the file (`seen`: code to line), a named pool only on a pooled plan. The carrier's plans file and the
 * customer plans file share these columns.
 */
export function carrierPlanTerms(row: CsvRow, seen: Map<string, number>): RatePlan {
  const code = row.parse('plan_code', name)
  if (code.trim() !== code) row.fail('plan_code', 'must not begin or end with white space')
  const earlier = seen.get(code)
  if (earlier !== undefined) row.fail('plan_code', `plan ${quoteInput(code, { bare: true })} is already defined on line ${earlier}`)
  seen.set(code, row.line)
  const pooled = row.parse('pooled', booleanText)
  const pool = row.text('pool')
  if (pool !== '' && !pooled) row.fail('pool', `plan ${quoteInput(code, { bare: true })} names pool ${quoteInput(pool, { bare: true })} but is not pooled`)
  return {
    code,
    monthlyRate: row.parse('monthly_rate', nonNegativeNumber),
    includedMb: row.parse('included_mb', nonNegativeNumber),
    overageBlockMb: row.parse('overage_block_mb', positiveNumber),
    overageBlockPrice: row.parse('overage_block_price', positiveNumber),
    smsRate: row.parse('sms_rate', nonNegativeNumber),
    pooled,
    ...(pool === '' ? {} : { pool: row.parse('pool', name) }),
  }
}

function mobilityTerms(row: CsvRow): Pick<RatePlan, 'type' | 'voice' | 'text'> {
  const type = row.text('rate_plan_type')
  const voice = bundle(row, VOICE_COLUMNS)
  const text = bundle(row, TEXT_COLUMNS)
  return {
    ...(type === '' ? {} : { type: row.parse('rate_plan_type', name) }),
    ...(voice === undefined ? {} : { voice }),
    ...(text === undefined ? {} : { text }),
  }
}

/** A bundle from its three columns: all empty is no bundle; some empty is an error naming the first. */
function bundle(row: CsvRow, [included, block, price]: readonly [string, string, string]): MeteredAllowance | undefined {
  const given = [included, block, price].filter((column) => row.text(column) !== '')
  if (given.length === 0) return undefined
  const missing = [included, block, price].find((column) => row.text(column) === '')
  if (missing !== undefined) row.fail(missing, `is empty while ${given.join(' and ')} ${given.length === 1 ? 'is' : 'are'} given; give all of ${included}, ${block}, ${price} or none`)
  return {
    included: row.parse(included, nonNegativeNumber),
    blockSize: row.parse(block, positiveNumber),
    blockPrice: row.parse(price, nonNegativeNumber),
  }
}
