/**
 * The report workbook: `Summary` (headline figures, cost by plan and its chart), `Assignments` (every SIM),
 * `Plans` (every plan and pool, before and after) and `Changes` (every SIM whose plan changes).
 *
 * Written with exceljs's streaming writer, one row and one sheet at a time, so a million SIMs fit in
 * modest memory. Money and MB are written unrounded; number formats round them for display only.
 */
import { once, type EventEmitter } from 'node:events'
import { createWriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import type ExcelJS from 'exceljs'
import { addPlanTotals, EMPTY_PLAN_TOTAL, moneyNumberFormat, planTotalCost, savingsFigures, wallClockDate, type PlanTotal } from '../../domain/index.js'
import { ASSIGNMENT_REPORT_COLUMNS, assignmentValues, type ColumnFormat } from './report-csv.js'
import type { ChangeLine, PlanLine, ReportSource, ReportSummary } from './report-source.js'
import { addColumnChart } from './workbook-chart.js'

export interface ReportWorkbookOptions {
  /** Default true; false leaves out the `Assignments` sheet (e-mail attachments of huge fleets). */
  readonly assignments?: boolean
  /** Default true; false leaves out the `Changes` sheet too (fleets whose changes alone are too big to mail). */
  readonly changes?: boolean
}

/** Which sheets a workbook has; the Summary says what was left out. */
interface Included {
  readonly assignments: boolean
  readonly changes: boolean
}

export interface ReportWorkbookRows {
  readonly assignmentRows: number
  readonly changeRows: number
}

type CellValue = string | number | Date | null
type Workbook = ExcelJS.stream.xlsx.WorkbookWriter
type Worksheet = ExcelJS.Worksheet

const MB_FORMAT = '#,##0.0'
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss'
const COUNT_FORMAT = '#,##0'
type CellStyles = Readonly<Record<ColumnFormat, Partial<ExcelJS.Style>>>
const cellStylesByCurrency = new Map<string, CellStyles>()
/**
 * Shared by every cell of a column, and frozen: exceljs would otherwise change one cell's style for all.
 * Money columns show the account's currency.
 */
function cellStyles(currency: string): CellStyles {
  let styles = cellStylesByCurrency.get(currency)
  if (styles === undefined) {
    styles = { text: Object.freeze({}), count: Object.freeze({ numFmt: COUNT_FORMAT }), mb: Object.freeze({ numFmt: MB_FORMAT }), money: Object.freeze({ numFmt: moneyNumberFormat(currency) }) }
    cellStylesByCurrency.set(currency, styles)
  }
  return styles
}
/** Rows between checks that the zip keeps up. */
const ROWS_BETWEEN_WAITS = 100

export async function writeReportWorkbook(file: string, source: ReportSource, options: ReportWorkbookOptions = {}): Promise<ReportWorkbookRows> {
  // Loaded here, not at the top: exceljs is slow to load, and most CLI commands never write a workbook.
  const { default: ExcelJS } = await import('exceljs')
  const included: Included = { assignments: options.assignments !== false, changes: options.changes !== false }
  const output = createWriteStream(file)
  // exceljs listens for errors of its output only while finishing; an earlier one (a folder that is not
  // there, a full disk) must still end the writing instead of leaving it waiting for the zip.
  const failure = new AbortController()
  output.on('error', (error) => failure.abort(error))
  const failed = new Promise<never>((_, reject) => failure.signal.addEventListener('abort', () => reject(failure.signal.reason as Error)))
  failed.catch(() => {})
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false })
  try {
    writeSummarySheet(workbook, source, included)
    const styles = cellStyles(source.summary.currency)
    const assignmentRows = included.assignments
      ? await writeTableSheet(workbook, 'Assignments', ASSIGNMENT_COLUMNS, source.assignments(), assignmentValues, failure.signal, styles)
      : 0
    writePlansSheet(workbook, source.plans, styles)
    const changeRows = included.changes ? await writeTableSheet(workbook, 'Changes', CHANGE_COLUMNS, source.changes(), changeValues, failure.signal, styles) : 0
    await Promise.race([workbook.commit(), failed])
    await Promise.race([finished(output), failed])
    return { assignmentRows, changeRows }
  } catch (error) {
    output.destroy()
    throw failure.signal.aborted ? failure.signal.reason : error
  }
}

/**
 * exceljs 4.4.0 (pinned) pipes each sheet's XML into the zip without backpressure: the sheet's stream (a
 * StreamBuf) ignores what `write()` answers, so a writer that never waits buffers the whole sheet, a
 * gigabyte for a million SIMs. The one internal read here, `WorksheetWriter.stream.pipes[0]`, is the
 * archiver's input for the sheet (a readable-stream 2 PassThrough, hence `_writableState`).
 */
interface SheetStreamInternals {
  readonly stream: { readonly pipes: readonly (EventEmitter & { readonly _writableState: { readonly needDrain: boolean } })[] }
}

/** Waits until the zip has taken in what the sheet has written so far. */
async function zipCaughtUp(sheet: Worksheet, signal: AbortSignal): Promise<void> {
  const zipInput = (sheet as unknown as SheetStreamInternals).stream.pipes[0]
  if (zipInput?._writableState.needDrain) await once(zipInput, 'drain', { signal })
}

// ---------------------------------------------------------------------------------------------------------
// Summary

interface SummaryRow {
  readonly label: string
  readonly value: CellValue
  readonly format?: string
}

function writeSummarySheet(workbook: Workbook, source: ReportSource, included: Included): void {
  const sheet = workbook.addWorksheet('Summary')
  sheet.columns = [{ width: 34 }, { width: 24 }, { width: 16 }]
  for (const row of summaryRows(source.summary, included)) {
    const added = sheet.addRow([row.label, row.value])
    if (row.format !== undefined) added.getCell(2).numFmt = row.format
    added.getCell(1).font = { bold: true }
    added.commit()
  }
  const planLines = source.plans.filter((line) => line.kind === 'plan' && (line.before.sims > 0 || line.after.sims > 0))
  if (planLines.length > 0) writeCostByPlan(workbook, sheet, planLines, moneyNumberFormat(source.summary.currency))
  sheet.commit()
}

function summaryRows(summary: ReportSummary, included: Included): SummaryRow[] {
  const { savings, savingsPct, gapPct } = savingsFigures(summary.costBefore, summary.costAfter, summary.lowerBound)
  const text = (value: string | null): CellValue => value ?? 'n/a'
  const moneyFormat = moneyNumberFormat(summary.currency)
  const money = (label: string, value: number | null): SummaryRow => ({ label, value: value ?? 'n/a', format: moneyFormat })
  // A spreadsheet's dates have no zone: the wall-clock time in the tenant's zone, named in the label.
  const time = (label: string, epochMs: number | null): SummaryRow => {
    const labelled = `${label} (${summary.timeZone})`
    return epochMs === null ? { label: labelled, value: 'n/a' } : { label: labelled, value: wallClockDate(epochMs, summary.timeZone), format: DATE_FORMAT }
  }
  return [
    { label: 'Tenant', value: text(summary.tenant) },
    { label: 'Provider', value: summary.provider },
    { label: 'Billing period', value: text(summary.period) },
    { label: 'Session', value: text(summary.sessionId) },
    { label: 'Currency', value: summary.currency },
    time('Started', summary.startedAt),
    time('Finished', summary.finishedAt),
    ...summary.stages.map((stage) => ({ label: `Stage ${stage.name} (seconds)`, value: stage.seconds, format: '0.000' })),
    { label: 'SIMs', value: summary.sims, format: COUNT_FORMAT },
    ...(included.assignments ? [] : [{ label: 'Assignments', value: `left out of this workbook: ${summary.sims.toLocaleString('en-US')} SIMs` }]),
    ...(included.changes ? [] : [{ label: 'Changes', value: `left out of this workbook: ${summary.changes.toLocaleString('en-US')} changes` }]),
    { label: 'Changes', value: summary.changes, format: COUNT_FORMAT },
    money('Cost before', summary.costBefore),
    money('Cost after', summary.costAfter),
    money('Savings', savings),
    { label: 'Savings %', value: savingsPct / 100, format: '0.00%' },
    money('Lower bound', summary.lowerBound),
    { label: 'Gap %', value: gapPct === null ? 'n/a' : gapPct / 100, format: '0.000%' },
    money('Old method (seed strategy) cost', summary.baselineCost),
    time('Devices synced till', summary.devicesSyncedTill),
    time('Usage measured till', summary.usageMeasuredTill),
    time('Generated at', summary.generatedAt),
  ]
}

/** The cost-by-plan table under the summary, and the chart drawn from it beside the summary. */
function writeCostByPlan(workbook: Workbook, sheet: Worksheet, planLines: readonly PlanLine[], moneyFormat: string): void {
  sheet.addRow([]).commit()
  const title = sheet.addRow(['Cost by plan'])
  title.font = { bold: true }
  title.commit()
  const header = sheet.addRow(['Plan', 'Cost before', 'Cost after'])
  header.font = { bold: true }
  header.commit()
  const first = header.number + 1
  for (const line of planLines) {
    const row = sheet.addRow([line.name, planTotalCost(line.before), planTotalCost(line.after)])
    row.getCell(2).numFmt = moneyFormat
    row.getCell(3).numFmt = moneyFormat
    row.commit()
  }
  const last = first + planLines.length - 1
  const column = (letter: string) => `Summary!$${letter}$${first}:$${letter}$${last}`
  addColumnChart(workbook, sheet, {
    title: 'Cost by plan',
    categoriesRef: column('A'),
    categories: planLines.map((line) => line.name),
    series: [
      { nameRef: `Summary!$B$${header.number}`, name: 'Cost before', valuesRef: column('B'), values: planLines.map((line) => planTotalCost(line.before)) },
      { nameRef: `Summary!$C$${header.number}`, name: 'Cost after', valuesRef: column('C'), values: planLines.map((line) => planTotalCost(line.after)) },
    ],
    numberFormat: moneyFormat,
    // Beside the summary's labels and values; wider with more plans, so each keeps a readable pair of columns.
    from: { col: 4, row: 1 },
    to: { col: 4 + Math.max(8, Math.ceil(planLines.length * 1.2)), row: 22 },
  })
}

// ---------------------------------------------------------------------------------------------------------
// Tables: Assignments, Changes, Plans

interface SheetColumn {
  readonly title: string
  readonly format: ColumnFormat
  readonly width: number
}

const ASSIGNMENT_COLUMNS: readonly SheetColumn[] = ASSIGNMENT_REPORT_COLUMNS.map((column) => ({
  title: column.title,
  format: column.format,
  width: column.format === 'text' ? 22 : 14,
}))

const CHANGE_COLUMNS: readonly SheetColumn[] = [
  { title: 'ICCID', format: 'text', width: 22 },
  { title: 'MSISDN', format: 'text', width: 16 },
  { title: 'Communication plan', format: 'text', width: 22 },
  { title: 'Old plan', format: 'text', width: 18 },
  { title: 'New plan', format: 'text', width: 18 },
  { title: 'Cost before', format: 'money', width: 14 },
  { title: 'Cost after', format: 'money', width: 14 },
  { title: 'Saving', format: 'money', width: 14 },
  { title: 'Own saving', format: 'money', width: 14 },
  { title: 'Pool effect', format: 'money', width: 14 },
  { title: 'Status', format: 'text', width: 12 },
]

/**
 * Cost before and after are the SIM's own lines with its share of its pools' overage; the saving is its own
 * saving plus its pool effect, so the Saving column adds up to the Summary's savings.
 */
function changeValues(line: ChangeLine): CellValue[] {
  return [line.iccid, line.msisdn, line.commPlan, line.oldPlan, line.newPlan, line.costBefore, line.costAfter, line.saving, line.ownSaving, line.poolEffect, line.status]
}

/** A sheet with a frozen, filtered header row over one row per line; returns how many rows it holds below the header. */
async function writeTableSheet<T>(
  workbook: Workbook,
  name: string,
  columns: readonly SheetColumn[],
  lines: AsyncIterable<T>,
  values: (line: T) => CellValue[],
  signal: AbortSignal,
  cellStyle: CellStyles,
): Promise<number> {
  const sheet = startTableSheet(workbook, name, columns)
  const styles = columns.map((column) => cellStyle[column.format])
  let count = 0
  for await (const line of lines) {
    addStyledRow(sheet, values(line), styles)
    if (++count % ROWS_BETWEEN_WAITS === 0) await zipCaughtUp(sheet, signal)
  }
  // The filter is written when the sheet is committed, so it can cover every row.
  sheet.autoFilter = `A1:${columnLetter(columns.length)}${count + 1}`
  sheet.commit()
  return count
}

/**
 * Adds and commits a row whose cells share the style objects of their columns: exceljs remembers the style
 * of an object it has seen, where a style of each cell's own would be rendered and looked up again for every
 * cell (most of the writing time for a million rows).
 */
function addStyledRow(sheet: Worksheet, values: readonly CellValue[], styles: readonly Partial<ExcelJS.Style>[]): void {
  const row = sheet.addRow(values)
  for (const [index, style] of styles.entries()) row.getCell(index + 1).style = style
  row.commit()
}

function startTableSheet(workbook: Workbook, name: string, columns: readonly SheetColumn[]): Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = columns.map((column) => ({ width: column.width }))
  const header = sheet.addRow(columns.map((column) => column.title))
  header.font = { bold: true }
  header.commit()
  return sheet
}

const PLAN_FIGURES: readonly { readonly title: string; readonly format: ColumnFormat; readonly value: (total: PlanTotal) => number }[] = [
  { title: 'SIMs', format: 'count', value: (total) => total.sims },
  { title: 'Usage MB', format: 'mb', value: (total) => total.usageMb },
  { title: 'Allowance MB', format: 'mb', value: (total) => total.allowanceMb },
  { title: 'Monthly', format: 'money', value: (total) => total.monthly },
  { title: 'Overage', format: 'money', value: (total) => total.overage },
  { title: 'SMS', format: 'money', value: (total) => total.sms },
  { title: 'Cost', format: 'money', value: planTotalCost },
]

const PLAN_COLUMNS: readonly SheetColumn[] = [
  { title: 'Kind', format: 'text', width: 8 },
  { title: 'Name', format: 'text', width: 20 },
  { title: 'Pool', format: 'text', width: 16 },
  ...(['before', 'after'] as const).flatMap((when) => PLAN_FIGURES.map((figure) => ({ title: `${figure.title} ${when}`, format: figure.format, width: 14 }))),
]

function planFigures(total: PlanTotal): number[] {
  return PLAN_FIGURES.map((figure) => figure.value(total))
}

/**
 * Every plan and pool line, then the total of the plan lines. Pool lines repeat their plans' figures (with
 * the pool's own overage charge in place of its SIMs' shares), so adding them again would count them twice.
 */
function writePlansSheet(workbook: Workbook, lines: readonly PlanLine[], cellStyle: CellStyles): void {
  const sheet = startTableSheet(workbook, 'Plans', PLAN_COLUMNS)
  const styles = PLAN_COLUMNS.map((column) => cellStyle[column.format])
  let before = EMPTY_PLAN_TOTAL
  let after = EMPTY_PLAN_TOTAL
  for (const line of lines) {
    addStyledRow(sheet, [line.kind, line.name, line.pool, ...planFigures(line.before), ...planFigures(line.after)], styles)
    if (line.kind === 'plan') {
      before = addPlanTotals(before, line.before)
      after = addPlanTotals(after, line.after)
    }
  }
  const bold = styles.map((style) => ({ ...style, font: { bold: true } }))
  addStyledRow(sheet, ['Total', 'all plans', 'pool lines not added', ...planFigures(before), ...planFigures(after)], bold)
  sheet.commit()
}

/** `1` → `A`, `27` → `AA`. */
function columnLetter(column: number): string {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}
