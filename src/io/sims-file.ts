/**
 * `sims.csv`: `iccid,usage_mb,sms,comm_plan,current_plan[,days_active][,auto_change][,voice_min]`, streamed.
 * A Mobility fleet's file needs no `comm_plan`: a SIM's allowed plans follow from its current plan.
 */
import { SimTableBuilder, quoteInput, allowedPlanMatrix, type CommPlan, type RatePlan, type SimTable } from '../domain/index.js'
import { booleanText, iccid, nonNegativeNumber, wholeCount } from './csv-fields.js'
import { readCsv, type CsvRow } from './csv-reader.js'
import { inputError } from './input-error.js'
import { hashString } from './plain-fields.js'
import { simsFastPath, type FastSim } from './sims-fast-path.js'

export const SIM_COLUMNS = {
  required: ['iccid', 'usage_mb', 'sms', 'comm_plan', 'current_plan'],
  optional: ['days_active', 'auto_change', 'voice_min'],
} as const

export const MOBILITY_SIM_COLUMNS = {
  required: ['iccid', 'usage_mb', 'sms', 'current_plan'],
  optional: ['days_active', 'auto_change', 'voice_min', 'comm_plan'],
} as const

export interface SimsFileContext {
  readonly plans: readonly RatePlan[]
  readonly commPlans: readonly CommPlan[]
  readonly periodDays: number
  /** false: every line through the checked path, as before the fast path (tests compare the two). */
  readonly fastPath?: boolean
  /** A Mobility fleet: the allowed-plan set of a SIM on each plan (`MobilityPriceSheet.commPlanOfPlan`). */
  readonly mobility?: { readonly commPlanOfPlan: Int32Array } | undefined
}

export async function readSimsFile(file: string, context: SimsFileContext): Promise<SimTable> {
  const { plans, commPlans, periodDays } = context
  const planIndexByCode = new Map(plans.map((plan, index) => [plan.code, index]))
  const commPlanIndexByName = new Map(commPlans.map((commPlan, index) => [commPlan.name, index]))
  const allowed = allowedPlanMatrix(commPlans, plans.length)
  const lines: number[] = []
  const sims = new SimTableBuilder(64 * 1024)
  // ICCID hashes, for the duplicate check: the fast path has them for free while it reads the digits.
  let hashes: Int32Array = new Int32Array(64 * 1024)
  const keep = (sim: FastSim & { readonly voiceMinutes?: number }, line: number) => {
    if (sims.count === hashes.length) hashes = grown(hashes)
    hashes[sims.count] = sim.hash
    sims.add(sim)
    lines.push(line)
  }
  const { mobility } = context
  // The fast path knows the M2M columns only: voice minutes and Mobility files take the checked path.
  const fastPath = (header: ReadonlyMap<string, number>) =>
    mobility !== undefined || header.has('voice_min') ? undefined : simsFastPath({
      header,
      planNames: plans.map((plan) => plan.code),
      commPlanNames: commPlans.map((commPlan) => commPlan.name),
      allowed,
      periodDays,
      add: keep,
    })

  const { header } = await readCsv(file, mobility === undefined ? SIM_COLUMNS : MOBILITY_SIM_COLUMNS, (row: CsvRow) => {
    const id = row.parse('iccid', iccid)
    const planCode = row.text('current_plan')
    if (planCode === '') row.fail('current_plan', 'is empty')
    const currentPlan = planIndexByCode.get(planCode)
    if (currentPlan === undefined) row.fail('current_plan', `unknown rate plan ${quoteInput(planCode, { bare: true })}; it is not in the plans file`)

    const commPlanName = row.text('comm_plan')
    const commPlan = mobility !== undefined ? mobility.commPlanOfPlan[currentPlan]! : commPlanIndexByName.get(commPlanName)
    if (commPlanName === '' && mobility === undefined) row.fail('comm_plan', 'is empty')
    if (commPlan === undefined) row.fail('comm_plan', `unknown communication plan ${quoteInput(commPlanName, { bare: true })}; it is not in the communication plans file`)
    if (commPlans[commPlan]!.allowedPlans.length === 0) {
      row.fail('comm_plan', `communication plan ${quoteInput(commPlanName, { bare: true })} allows no rate plan, so this SIM cannot be priced`)
    }
    if (mobility === undefined && !allowed[commPlan * plans.length + currentPlan]) {
      row.fail('current_plan', `rate plan ${quoteInput(planCode, { bare: true })} is not allowed by communication plan ${quoteInput(commPlanName, { bare: true })}`)
    }

    const daysActive = row.parseOptional('days_active', wholeCount, periodDays)
    if (daysActive > periodDays) row.fail('days_active', `must be at most the period of ${periodDays} days, got ${daysActive}`)

    keep(
      {
        iccid: id,
        hash: hashString(id),
        usageMb: row.parse('usage_mb', nonNegativeNumber),
        sms: row.parse('sms', wholeCount),
        voiceMinutes: row.parseOptional('voice_min', nonNegativeNumber, 0),
        commPlan,
        currentPlan,
        daysActive,
        autoChange: row.parseOptional('auto_change', booleanText, true),
      },
      row.line,
    )
  }, context.fastPath === false ? undefined : fastPath)
  if (sims.count === 0) throw inputError({ file }, 'has no SIMs')
  const table = sims.build()
  const duplicate = firstDuplicate(table.iccid, hashes)
  if (duplicate !== undefined) {
    const [first, second] = duplicate
    throw inputError(
      { file, line: lines[second], column: header.get('iccid')! + 1, columnName: 'iccid' },
      `ICCID ${table.iccid[second]} is already listed on line ${lines[first]}`,
    )
  }
  return table
}

/**
 * The earliest row repeating an earlier row's value, with that earlier row. An open-addressing table of
 * row numbers keyed by a string hash: a Map of a million ICCIDs took a second and much garbage. `hashes`,
 * when given, holds {@link hashString} of each value (computed while reading); the hashes are compared
 * before the strings, since ICCIDs share long prefixes and a slot's other string is a cache miss away.
 */
export function firstDuplicate(values: readonly string[], hashes?: Int32Array): [first: number, second: number] | undefined {
  const size = 2 ** Math.ceil(Math.log2(values.length * 2 + 2))
  const mask = size - 1
  const table = new Int32Array(size).fill(-1)
  const slotHashes = new Int32Array(size)
  for (let row = 0; row < values.length; row++) {
    const value = values[row]!
    const hash = hashes === undefined ? hashString(value) | 0 : hashes[row]!
    let slot = hash & mask
    for (let other = table[slot]!; other !== -1; other = table[slot]!) {
      if (slotHashes[slot] === hash && values[other] === value) return [other, row]
      slot = (slot + 1) & mask
    }
    table[slot] = row
    slotHashes[slot] = hash
  }
  return undefined
}

function grown(column: Int32Array): Int32Array {
  const next = new Int32Array(column.length * 2)
  next.set(column)
  return next
}
