/**
 * The readings a feed file's lines give: its lines by the bill cycle they count, the billing period each
 * cycle is, and for one period the readings (data for the usage the optimizer reads, voice minutes and SMS
 * beside it). Lines of SIMs the provider does not have, and lines older than the reading already stored (a
 * missed file fetched late), are left out and counted.
 */
import { billingPeriodAt, localDate, type BillingCycle, type BillingPeriod } from '../../../domain/index.js'
import type { FeedLine } from './feed-format.js'

const DAY_MS = 86_400_000

/** The file's lines by their `bill_cycle_start`. */
export function linesByCycle(lines: readonly FeedLine[]): Map<string, FeedLine[]> {
  const cycles = new Map<string, FeedLine[]>()
  for (const line of lines) {
    const list = cycles.get(line.billCycleStart)
    if (list === undefined) cycles.set(line.billCycleStart, [line])
    else list.push(line)
  }
  return cycles
}

/** The billing period whose first local day is `date` (`yyyy-mm-dd`); `undefined` when no period starts that day. */
export function periodStartingOn(date: string, cycle: BillingCycle): BillingPeriod | undefined {
  const noon = Date.parse(`${date}T12:00:00Z`)
  if (Number.isNaN(noon)) return undefined
  // The day's instants lie within 14 hours of its UTC noon, whatever the zone: one of these periods is it.
  for (const at of [noon - DAY_MS, noon, noon + DAY_MS]) {
    const period = billingPeriodAt(at, cycle)
    if (localDate(period.start, cycle.timeZone) === date) return period
  }
  return undefined
}

export interface FeedReadings {
  readonly data: { readonly iccid: string; readonly usageMb: number; readonly sms: number; readonly measuredAt: number }[]
  readonly voiceSms: { readonly iccid: string; readonly voiceMinutes: number; readonly sms: number; readonly measuredAt: number }[]
  readonly otherCycle: number
  readonly unknownSims: number
  readonly superseded: number
}

export interface ReadingsInput {
  readonly lines: readonly FeedLine[]
  /** The file's figures are as of this, epoch ms. */
  readonly asOf: number
  /** The period's first day, `yyyy-mm-dd` in the billing time zone. */
  readonly billCycleStart: string
  readonly knownIccids: ReadonlySet<string>
  /** When each SIM's stored reading of the period was measured. */
  readonly measuredAt: ReadonlyMap<string, number>
}

export function feedReadings(input: ReadingsInput): FeedReadings {
  const data: FeedReadings['data'] = []
  const voiceSms: FeedReadings['voiceSms'] = []
  let otherCycle = 0
  let unknownSims = 0
  let superseded = 0
  // A SIM listed twice in one file: its last line stands.
  const byIccid = new Map<string, FeedLine>()
  for (const line of input.lines) {
    if (line.billCycleStart !== input.billCycleStart) otherCycle++
    else if (!input.knownIccids.has(line.iccid)) unknownSims++
    else if ((input.measuredAt.get(line.iccid) ?? -Infinity) > input.asOf) superseded++
    else byIccid.set(line.iccid, line)
  }
  for (const line of byIccid.values()) {
    data.push({ iccid: line.iccid, usageMb: line.dataMb, sms: line.sms, measuredAt: input.asOf })
    voiceSms.push({ iccid: line.iccid, voiceMinutes: line.voiceMinutes, sms: line.sms, measuredAt: input.asOf })
  }
  return { data, voiceSms, otherCycle, unknownSims, superseded }
}
