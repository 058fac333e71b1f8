/**
 * The fast path of `sims.csv`: a plain line (no quotes, no space around a field, numbers in plain decimal,
 * known names) read straight from the text, without splitting it into strings or running the zod checks.
 * Anything else is declined and takes the checked path, which also words every error: the fast path only
 * accepts what that path would accept, with the same values, so it changes nothing but the time.
 */
import type { LineParser } from './csv-tokenizer.js'
import { NOT_PLAIN, booleanWord, decimal, iccidHash, lookUp, nameTable, wholeNumber } from './plain-fields.js'

/** One accepted SIM, before its columns are stored; `hash` is `hashString` (plain-fields.ts) of the ICCID. */
export interface FastSim {
  iccid: string
  hash: number
  usageMb: number
  sms: number
  commPlan: number
  currentPlan: number
  daysActive: number
  autoChange: boolean
}

export interface SimsFastPathContext {
  readonly header: ReadonlyMap<string, number>
  readonly planNames: readonly string[]
  readonly commPlanNames: readonly string[]
  /** `allowed[commPlan * planNames.length + plan]` is 1 when the communication plan allows the plan. */
  readonly allowed: Uint8Array
  readonly periodDays: number
  readonly add: (sim: FastSim, line: number) => void
}

const ICCID = 0
const USAGE = 1
const SMS = 2
const COMM_PLAN = 3
const CURRENT_PLAN = 4
const DAYS_ACTIVE = 5
const AUTO_CHANGE = 6
const OTHER = 7
const ROLES: Readonly<Record<string, number>> = {
  iccid: ICCID,
  usage_mb: USAGE,
  sms: SMS,
  comm_plan: COMM_PLAN,
  current_plan: CURRENT_PLAN,
  days_active: DAYS_ACTIVE,
  auto_change: AUTO_CHANGE,
}

export function simsFastPath(context: SimsFastPathContext): LineParser {
  const { header, periodDays, allowed, add } = context
  const roles = new Int32Array(header.size).fill(OTHER)
  for (const [name, index] of header) roles[index] = ROLES[name] ?? OTHER
  const plans = nameTable(context.planNames)
  const commPlans = nameTable(context.commPlanNames)
  const planCount = context.planNames.length
  const usable = new Uint8Array(context.commPlanNames.length)
  for (let commPlan = 0; commPlan < usable.length; commPlan++) {
    for (let plan = 0; plan < planCount; plan++) if (allowed[commPlan * planCount + plan] === 1) usable[commPlan] = 1
  }
  const fieldCount = header.size
  const sim: FastSim = { iccid: '', hash: 0, usageMb: 0, sms: 0, commPlan: 0, currentPlan: 0, daysActive: periodDays, autoChange: true }

  return (text, start, end, line) => {
    sim.daysActive = periodDays
    sim.autoChange = true
    let iccidStart = 0
    let iccidEnd = 0
    let position = start
    for (let field = 0; field < fieldCount; field++) {
      let fieldEnd = text.indexOf(',', position)
      if (field === fieldCount - 1) {
        if (fieldEnd !== -1 && fieldEnd < end) return false
        fieldEnd = end
      } else if (fieldEnd === -1 || fieldEnd >= end) return false
      switch (roles[field]!) {
        case ICCID: {
          const hash = iccidHash(text, position, fieldEnd)
          if (hash === NOT_PLAIN) return false
          sim.hash = hash
          iccidStart = position
          iccidEnd = fieldEnd
          break
        }
        case USAGE: {
          const value = decimal(text, position, fieldEnd)
          if (value < 0) return false
          sim.usageMb = value
          break
        }
        case SMS: {
          const value = wholeNumber(text, position, fieldEnd)
          if (value < 0) return false
          sim.sms = value
          break
        }
        case COMM_PLAN: {
          const index = lookUp(commPlans, text, position, fieldEnd)
          if (index < 0 || usable[index] === 0) return false
          sim.commPlan = index
          break
        }
        case CURRENT_PLAN: {
          const index = lookUp(plans, text, position, fieldEnd)
          if (index < 0) return false
          sim.currentPlan = index
          break
        }
        case DAYS_ACTIVE: {
          if (fieldEnd === position) break
          const value = wholeNumber(text, position, fieldEnd)
          if (value < 0 || value > periodDays) return false
          sim.daysActive = value
          break
        }
        case AUTO_CHANGE: {
          if (fieldEnd === position) break
          const value = booleanWord(text, position, fieldEnd)
          if (value < 0) return false
          sim.autoChange = value === 1
          break
        }
        default:
          for (let i = position; i < fieldEnd; i++) if (text.charCodeAt(i) === 34) return false
      }
      position = fieldEnd + 1
    }
    if (allowed[sim.commPlan * planCount + sim.currentPlan] !== 1) return false
    sim.iccid = text.slice(iccidStart, iccidEnd)
    add(sim, line)
    return true
  }
}
