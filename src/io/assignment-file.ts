/**
 * `assignment.csv`: the chosen plan of every SIM with its cost before and after,
 * `iccid,comm_plan,current_plan,new_plan,usage_mb,monthly,overage,sms_charge,cost_before,cost_after`.
 */
import { quoteInput, type PricedAssignment, type Problem } from '../domain/index.js'
import { name } from './csv-fields.js'
import { readCsv, type CsvRow } from './csv-reader.js'
import { inputError } from './input-error.js'
import { csvField, writeCsvLines } from './csv-writer.js'
import { decimalText, moneyText } from './decimal-text.js'

export const ASSIGNMENT_COLUMNS = [
  'iccid',
  'comm_plan',
  'current_plan',
  'new_plan',
  'usage_mb',
  'monthly',
  'overage',
  'sms_charge',
  'cost_before',
  'cost_after',
] as const

/**
 * One line of `assignment.csv`: text fields already passed through `csvField` (callers writing a million
 * rows escape each plan code once), the SIM's new cost split and its cost before. Money is written to the
 * micro-unit the cost model attributes pool charges in; round for display elsewhere.
 */
export function assignmentLine(
  iccid: string,
  commPlan: string,
  currentPlan: string,
  newPlan: string,
  usageMb: number,
  after: { readonly monthly: number; readonly overage: number; readonly sms: number },
  costBefore: number,
): string {
  const costAfter = after.monthly + after.overage + after.sms
  return `${iccid},${commPlan},${currentPlan},${newPlan},${decimalText(usageMb)},${moneyText(after.monthly)},${moneyText(after.overage)},${moneyText(after.sms)},${moneyText(costBefore)},${moneyText(costAfter)}`
}

export async function writeAssignmentFile(
  file: string,
  problem: Problem,
  assignment: Int32Array,
  before: PricedAssignment,
  after: PricedAssignment,
): Promise<void> {
  const { sims } = problem
  // Codes and names repeat on every row: escape each once.
  const planCodes = problem.plans.map((plan) => csvField(plan.code))
  const commPlanNames = problem.commPlans.map((commPlan) => csvField(commPlan.name))
  await writeCsvLines(
    file,
    ASSIGNMENT_COLUMNS,
    (function* () {
      for (let i = 0; i < sims.count; i++) {
        const costBefore = before.monthly[i]! + before.overage[i]! + before.sms[i]!
        yield assignmentLine(
          csvField(sims.iccid[i]!),
          commPlanNames[sims.commPlan[i]!]!,
          planCodes[sims.currentPlan[i]!]!,
          planCodes[assignment[i]!]!,
          sims.usageMb[i]!,
          { monthly: after.monthly[i]!, overage: after.overage[i]!, sms: after.sms[i]! },
          costBefore,
        )
      }
    })(),
  )
}

/**
 * Reads the `new_plan` of every SIM of `problem` from an assignment file.
 * @throws SimoptError `INPUT_INVALID` for an unknown ICCID or plan, or a SIM the file leaves out.
 */
export async function readAssignmentFile(file: string, problem: Problem): Promise<Int32Array> {
  const rowOf = new Map(problem.sims.iccid.map((iccid, row) => [iccid, row]))
  const planOf = new Map(problem.plans.map((plan, index) => [plan.code, index]))
  const assignment = new Int32Array(problem.sims.count).fill(-1)
  await readCsv(file, { required: ['iccid', 'new_plan'] }, (row: CsvRow) => {
    const iccid = row.parse('iccid', name)
    const sim = rowOf.get(iccid)
    if (sim === undefined) row.fail('iccid', `unknown ICCID ${quoteInput(iccid, { bare: true })}`)
    const plan = planOf.get(row.text('new_plan'))
    if (plan === undefined) row.fail('new_plan', `unknown rate plan ${quoteInput(row.text('new_plan'), { bare: true })}`)
    assignment[sim] = plan
  })
  const missing = assignment.indexOf(-1)
  if (missing >= 0) throw inputError({ file }, `has no row for ICCID ${problem.sims.iccid[missing]}`)
  return assignment
}
