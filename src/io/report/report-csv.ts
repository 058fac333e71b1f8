/**
 * The report's table of every SIM: the `Assignments` sheet of the workbook and the report CSV, one column
 * list for both so the two files always agree. The CSV is what a fleet too large for a spreadsheet is
 * read from.
 */
import { csvField, writeCsvLines } from '../csv-writer.js'
import type { FleetKind } from '../../domain/index.js'
import type { AssignmentLine, ReportSource, ReportSummary } from './report-source.js'

/** How a column's values are shown in the workbook; the CSV writes every number unrounded. */
export type ColumnFormat = 'text' | 'count' | 'mb' | 'money'

export interface AssignmentColumn {
  /** Header of the CSV column. */
  readonly csv: string
  /** Header of the sheet column. */
  readonly title: string
  readonly format: ColumnFormat
  readonly value: (line: AssignmentLine) => string | number | null
}

export const ASSIGNMENT_REPORT_COLUMNS: readonly AssignmentColumn[] = [
  { csv: 'iccid', title: 'ICCID', format: 'text', value: (line) => line.iccid },
  { csv: 'msisdn', title: 'MSISDN', format: 'text', value: (line) => line.msisdn },
  { csv: 'comm_plan', title: 'Communication plan', format: 'text', value: (line) => line.commPlan },
  { csv: 'current_plan', title: 'Current plan', format: 'text', value: (line) => line.currentPlan },
  { csv: 'new_plan', title: 'New plan', format: 'text', value: (line) => line.newPlan },
  { csv: 'raw_usage_mb', title: 'Usage so far (MB)', format: 'mb', value: (line) => line.rawUsageMb },
  { csv: 'usage_mb', title: 'Projected usage (MB)', format: 'mb', value: (line) => line.usageMb },
  { csv: 'monthly', title: 'Monthly', format: 'money', value: (line) => line.monthly },
  { csv: 'overage', title: 'Overage', format: 'money', value: (line) => line.overage },
  { csv: 'sms_charge', title: 'SMS', format: 'money', value: (line) => line.sms },
  { csv: 'cost_before', title: 'Cost before', format: 'money', value: (line) => line.costBefore },
  { csv: 'cost_after', title: 'Cost after', format: 'money', value: (line) => line.costAfter },
]

/**
 * A Mobility fleet's columns: the allowed-plan set is the SIM's optimization group and rate plan type, its
 * SMS and voice minutes are shown, and the SMS charge holds voice and SMS (the old system's
 * `OptimizationMobilityDeviceResult` beside the M2M `OptimizationM2MDeviceResult`).
 */
export const MOBILITY_REPORT_COLUMNS: readonly AssignmentColumn[] = ASSIGNMENT_REPORT_COLUMNS.flatMap((column): AssignmentColumn[] => {
  if (column.csv === 'comm_plan') return [{ csv: 'optimization_group', title: 'Optimization group: type', format: 'text', value: column.value }]
  if (column.csv === 'sms_charge') return [{ csv: 'voice_sms_charge', title: 'Voice + SMS', format: 'money', value: column.value }]
  if (column.csv === 'usage_mb') {
    return [
      column,
      { csv: 'sms', title: 'SMS used', format: 'count', value: (line) => line.smsCount ?? null },
      { csv: 'voice_min', title: 'Voice minutes', format: 'count', value: (line) => line.voiceMinutes ?? null },
    ]
  }
  return [column]
})

/** The columns of a report of `fleet` (absent: M2M). */
export function assignmentReportColumns(fleet: FleetKind | undefined): readonly AssignmentColumn[] {
  return fleet === 'mobility' ? MOBILITY_REPORT_COLUMNS : ASSIGNMENT_REPORT_COLUMNS
}

/** The values of one SIM in column order. */
export function assignmentValues(line: AssignmentLine, columns: readonly AssignmentColumn[] = ASSIGNMENT_REPORT_COLUMNS): (string | number | null)[] {
  return columns.map((column) => column.value(line))
}

/** Writes every SIM of `source` as CSV, money and MB unrounded; a missing MSISDN is an empty field. */
export async function writeReportCsv(file: string, source: Pick<ReportSource, 'assignments'> & { readonly summary?: Pick<ReportSummary, 'fleet'> }): Promise<void> {
  const columns = assignmentReportColumns(source.summary?.fleet)
  await writeCsvLines(
    file,
    columns.map((column) => column.csv),
    (async function* () {
      for await (const line of source.assignments()) {
        yield assignmentValues(line, columns)
          .map((value) => (value === null ? '' : csvField(value)))
          .join(',')
      }
    })(),
  )
}
