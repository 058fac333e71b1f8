/**
 * Telegence's usage report files as simopt reads them from the carrier's SFTP folder (and the simulator
 * writes them). Names and columns are simopt's choice where the old system's code does not show them
 * (docs/decisions.md, "Telegence (issue 21)"):
 *
 * - daily full export, per FAN: `ALL_BAN_FULL_DATA_EXPORT_REPORT_{FAN}_{yyyyMMddHHmm}.zip` (one CSV inside)
 * - data file, every few hours: `MUBU_{FAN}_{yyyyMMddHHmm}_data.csv`
 * - final monthly file: `CUS_FANALL_{FAN}_{yyyyMM}.zip` (one CSV inside), yyyyMM the billing period's name
 *
 * Time stamps are UTC. Every file holds the same columns, each line one subscriber's usage since its bill
 * cycle started, as of the file's time (the final file: as of the period's end):
 * `subscriber_number,iccid,bill_cycle_start,data_mb,voice_minutes,sms` (bill_cycle_start `yyyy-mm-dd`, the
 * cycle's first day in the billing time zone; data in MB of 1,048,576 bytes).
 */
import { SimoptError } from '../../../domain/index.js'

export const FEED_KINDS = ['daily', 'data', 'final'] as const
export type FeedKind = (typeof FEED_KINDS)[number]

export const FEED_COLUMNS = ['subscriber_number', 'iccid', 'bill_cycle_start', 'data_mb', 'voice_minutes', 'sms'] as const

/** What a file's name says. `asOf` (epoch ms) for daily and data files; `period` (`2026-11`) for the final file. */
export type FeedFileName =
  | { readonly kind: 'daily' | 'data'; readonly fan: string; readonly asOf: number }
  | { readonly kind: 'final'; readonly fan: string; readonly period: string }

export interface FeedLine {
  readonly subscriberNumber: string
  readonly iccid: string
  /** `yyyy-mm-dd`. */
  readonly billCycleStart: string
  readonly dataMb: number
  readonly voiceMinutes: number
  readonly sms: number
}

const DAILY = /^ALL_BAN_FULL_DATA_EXPORT_REPORT_([A-Za-z0-9]+)_(\d{12})\.zip$/
const DATA = /^MUBU_([A-Za-z0-9]+)_(\d{12})_data\.csv$/
const FINAL = /^CUS_FANALL_([A-Za-z0-9]+)_(\d{4})(\d{2})\.zip$/

export function dailyFileName(fan: string, at: number): string {
  return `ALL_BAN_FULL_DATA_EXPORT_REPORT_${fan}_${stamp(at)}.zip`
}

export function dataFileName(fan: string, at: number): string {
  return `MUBU_${fan}_${stamp(at)}_data.csv`
}

/** `period`: the billing period's name, `2026-11`. */
export function finalFileName(fan: string, period: string): string {
  return `CUS_FANALL_${fan}_${period.replace('-', '')}.zip`
}

/** What the name says, or `undefined` for a file that is none of the three (left alone). */
export function parseFeedFileName(name: string): FeedFileName | undefined {
  const daily = DAILY.exec(name) ?? undefined
  if (daily !== undefined) return dated('daily', daily)
  const data = DATA.exec(name) ?? undefined
  if (data !== undefined) return dated('data', data)
  const final = FINAL.exec(name)
  if (final === null) return undefined
  const month = Number(final[3])
  return month >= 1 && month <= 12 ? { kind: 'final', fan: final[1]!, period: `${final[2]}-${final[3]}` } : undefined
}

function dated(kind: 'daily' | 'data', match: RegExpExecArray): FeedFileName | undefined {
  const text = match[2]!
  const asOf = Date.UTC(Number(text.slice(0, 4)), Number(text.slice(4, 6)) - 1, Number(text.slice(6, 8)), Number(text.slice(8, 10)), Number(text.slice(10, 12)))
  // 202613011200 would roll over into another date: such a name is not a time stamp.
  return stamp(asOf) === text ? { kind, fan: match[1]!, asOf } : undefined
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:T]/g, '').slice(0, 12)
}

/** The lines as CSV text, header first. */
export function formatFeedCsv(lines: Iterable<FeedLine>): string {
  const out = [FEED_COLUMNS.join(',')]
  for (const line of lines) out.push(`${line.subscriberNumber},${line.iccid},${line.billCycleStart},${round(line.dataMb)},${round(line.voiceMinutes)},${line.sms}`)
  return `${out.join('\n')}\n`
}

function round(value: number): string {
  return String(Math.round(value * 1000) / 1000)
}

/**
 * The lines of a feed file's CSV text. @throws SimoptError `INPUT_INVALID` naming the file, line and
 * column of the first thing wrong.
 */
export function parseFeedCsv(text: string, file: string): FeedLine[] {
  const rows = text.split(/\r?\n/)
  const header = rows[0]?.replace(/^\uFEFF/, '').trim()
  if (header !== FEED_COLUMNS.join(',')) throw new SimoptError('INPUT_INVALID', `${file}: line 1: the header must be ${FEED_COLUMNS.join(',')}, got ${JSON.stringify(header ?? '')}`)
  const lines: FeedLine[] = []
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!
    if (row.trim() === '') continue
    const fields = row.split(',')
    const fail = (column: number, what: string): never => {
      throw new SimoptError('INPUT_INVALID', `${file}: line ${i + 1}, column ${column + 1} (${FEED_COLUMNS[column] ?? 'extra'}): ${what}`)
    }
    if (fields.length !== FEED_COLUMNS.length) fail(Math.min(fields.length, FEED_COLUMNS.length), `${FEED_COLUMNS.length} fields expected, got ${fields.length}`)
    const [subscriberNumber, iccid, billCycleStart] = fields as [string, string, string]
    if (!/^\d{10}$/.test(subscriberNumber)) fail(0, `a 10-digit subscriber number expected, got ${JSON.stringify(subscriberNumber)}`)
    if (!/^\d{18,22}$/.test(iccid)) fail(1, `an ICCID of 18 to 22 digits expected, got ${JSON.stringify(iccid)}`)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(billCycleStart)) fail(2, `a date yyyy-mm-dd expected, got ${JSON.stringify(billCycleStart)}`)
    const amount = (column: number, whole: boolean): number => {
      const text = fields[column]!
      const value = Number(text)
      if (text === '' || !Number.isFinite(value) || value < 0 || (whole && !Number.isInteger(value))) fail(column, `${whole ? 'a whole number' : 'a number'} of 0 or more expected, got ${JSON.stringify(text)}`)
      return value
    }
    lines.push({ subscriberNumber, iccid, billCycleStart, dataMb: amount(3, false), voiceMinutes: amount(4, false), sms: amount(5, true) })
  }
  return lines
}
