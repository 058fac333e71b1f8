/** `plans.csv`: `plan_code,monthly_rate,included_mb,overage_block_mb,overage_block_price,sms_rate,pooled[,pool]`. */
import { quoteInput, type RatePlan } from '../domain/index.js'
import { booleanText, name, nonNegativeNumber, positiveNumber } from './csv-fields.js'
import { readCsv, type CsvRow } from './csv-reader.js'
import { inputError } from './input-error.js'

export const PLAN_COLUMNS = {
  required: ['plan_code', 'monthly_rate', 'included_mb', 'overage_block_mb', 'overage_block_price', 'sms_rate', 'pooled'],
  optional: ['pool'],
} as const

export interface PlansFile {
  readonly plans: RatePlan[]
  /** Line of each plan in the file, for errors found later (pools, communication plans). */
  readonly lines: number[]
}

export async function readPlansFile(file: string): Promise<PlansFile> {
  const plans: RatePlan[] = []
  const lines: number[] = []
  const seen = new Map<string, number>()
  await readCsv(file, PLAN_COLUMNS, (row: CsvRow) => {
    const code = row.parse('plan_code', name)
    // comm_plans.csv lists plan codes split on ';' and trimmed: a code it cannot name is refused here, on its own line.
    if (code.includes(';')) row.fail('plan_code', 'must not contain ";", which separates plan codes in the communication plans file')
    if (code.trim() !== code) row.fail('plan_code', 'must not begin or end with white space')
    const earlier = seen.get(code)
    if (earlier !== undefined) row.fail('plan_code', `plan ${quoteInput(code, { bare: true })} is already defined on line ${earlier}`)
    seen.set(code, row.line)
    const pooled = row.parse('pooled', booleanText)
    const pool = row.text('pool')
    if (pool !== '' && !pooled) row.fail('pool', `plan ${quoteInput(code, { bare: true })} names pool ${quoteInput(pool, { bare: true })} but is not pooled`)
    plans.push({
      code,
      monthlyRate: row.parse('monthly_rate', nonNegativeNumber),
      includedMb: row.parse('included_mb', nonNegativeNumber),
      overageBlockMb: row.parse('overage_block_mb', positiveNumber),
      overageBlockPrice: row.parse('overage_block_price', positiveNumber),
      smsRate: row.parse('sms_rate', nonNegativeNumber),
      pooled,
      ...(pool === '' ? {} : { pool: row.parse('pool', name) }),
    })
    lines.push(row.line)
  })
  if (plans.length === 0) throw inputError({ file }, 'has no plans')
  return { plans, lines }
}
