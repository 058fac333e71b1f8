/** `comm_plans.csv`: `comm_plan,rate_plans`, the rate plan codes each communication plan allows, `;`-separated. */
import { quoteInput, type CommPlan } from '../domain/index.js'
import { name } from './csv-fields.js'
import { readCsv, type CsvRow } from './csv-reader.js'
import { inputError } from './input-error.js'

export const COMM_PLAN_COLUMNS = { required: ['comm_plan', 'rate_plans'] } as const

export async function readCommPlansFile(file: string, planIndexByCode: ReadonlyMap<string, number>): Promise<CommPlan[]> {
  const commPlans: CommPlan[] = []
  const seen = new Map<string, number>()
  await readCsv(file, COMM_PLAN_COLUMNS, (row: CsvRow) => {
    const commPlan = row.parse('comm_plan', name)
    const earlier = seen.get(commPlan)
    if (earlier !== undefined) row.fail('comm_plan', `communication plan ${quoteInput(commPlan, { bare: true })} is already defined on line ${earlier}`)
    seen.set(commPlan, row.line)
    const allowedPlans: number[] = []
    for (const code of row.text('rate_plans').split(';').map((part) => part.trim())) {
      if (code === '') continue
      const planIndex = planIndexByCode.get(code)
      if (planIndex === undefined) row.fail('rate_plans', `unknown rate plan ${quoteInput(code, { bare: true })}; it is not in the plans file`)
      if (!allowedPlans.includes(planIndex)) allowedPlans.push(planIndex)
    }
    commPlans.push({ name: commPlan, allowedPlans })
  })
  if (commPlans.length === 0) throw inputError({ file }, 'has no communication plans')
  return commPlans
}
