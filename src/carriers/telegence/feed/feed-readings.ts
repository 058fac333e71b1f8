/**
 * The readings a feed file's lines give one billing period: data for the usage the optimizer reads, voice
 * minutes and SMS beside it. Lines of another bill cycle, of SIMs the provider does not have, and lines
 * older than the reading already stored (a missed file fetched late) are left out and counted.
 */
import type { FeedLine } from './feed-format.js'

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
