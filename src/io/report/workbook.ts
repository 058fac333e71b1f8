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
import { assignmentReportColumns, assignmentValues, type ColumnFormat } from './report-csv.js'
import type { ChangeLine, PlanLine, ReportSource, ReportSummary } from './report-source.js'
import { addColumnChart } from './workbook-chart.js'
import { displayedLength, fitWidths, pageSetupFor, WIDTH_SAMPLE_ROWS, type LaidOutColumn } from './workbook-layout.js'

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

/** Usage with the dashboard's precision: three decimals under 10 MB, one from there. */
const MB_FORMAT = '[<10]#,##0.000;#,##0.0'
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

/** The media type of what {@link writeReportWorkbook} writes: downloads and e-mail attachments name it. */
export const WORKBOOK_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

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
    // No SIM's figure is larger than the largest figure of its plans' lines: the widths of number columns fit every row.
    const plans = plansSheetRows(source.plans)
    const largest = largestFigures(plans)
    const planNames = Math.max(0, ...source.plans.filter((line) => line.kind === 'plan').map((line) => line.name.length))
    const assignmentRows = included.assignments
      ? await writeAssignmentsSheet(workbook, source, largest, planNames, failure.signal, styles)
      : 0
    writePlansSheet(workbook, plans, styles)
    const changeRows = included.changes
      ? await writeTableSheet(workbook, 'Changes', withLargest(CHANGE_COLUMNS, largest, planNames), source.changes(), changeValues, failure.signal, styles)
      : 0
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
  const rows = summaryRows(source.summary, included)
  const planLines = source.plans.filter((line) => line.kind === 'plan' && (line.before.sims > 0 || line.after.sims > 0))
  const widths = summaryWidths(rows, planLines)
  const chart = planLines.length > 0 ? chartColumns(planLines.length) : 0
  // The chart stands beside the figures: its columns (Excel's default width, about 9) count towards the page's.
  const sheet = workbook.addWorksheet('Summary', { pageSetup: pageSetupFor(widths, { extraWidth: (chart + 1) * 9 }) })
  sheet.columns = widths.map((width) => ({ width }))
  for (const row of rows) {
    const added = sheet.addRow([row.label, row.value])
    if (row.format !== undefined) added.getCell(2).numFmt = row.format
    added.getCell(1).font = { bold: true }
    added.commit()
  }
  if (planLines.length > 0) writeCostByPlan(workbook, sheet, planLines, moneyNumberFormat(source.summary.currency))
  sheet.commit()
}

/** Labels (bold) and plan names; values and the cost-by-plan table's money. */
function summaryWidths(rows: readonly SummaryRow[], planLines: readonly PlanLine[]): number[] {
  const bold = (text: string) => Math.ceil(text.length * 1.1)
  const moneyLength = (value: number) => displayedLength(value, 'money')
  const value = (row: SummaryRow) => (typeof row.value === 'number' ? moneyLength(row.value) : displayedLength(row.value, 'text'))
  const costs = planLines.flatMap((line) => [planTotalCost(line.before), planTotalCost(line.after)])
  return [
    Math.max(...rows.map((row) => bold(row.label)), ...planLines.map((line) => line.name.length)) + 2,
    Math.max(...rows.map(value), ...costs.map(moneyLength), bold('Cost before')) + 2,
    Math.max(...costs.map(moneyLength), bold('Cost after')) + 2,
  ]
}

/** Columns the cost-by-plan chart spans: wider with more plans, so each keeps a readable pair of columns. */
function chartColumns(plans: number): number {
  return Math.max(8, Math.ceil(plans * 1.2))
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
    { label: 'Fleet', value: summary.fleet === 'mobility' ? 'Mobility' : 'M2M' },
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
    // Beside the summary's labels and values.
    from: { col: 4, row: 1 },
    to: { col: 4 + chartColumns(planLines.length), row: 22 },
  })
}

// ---------------------------------------------------------------------------------------------------------
// Tables: Assignments, Changes, Plans

interface SheetColumn extends LaidOutColumn {
  /** Holds rate plan names, whose longest is known before the rows are. */
  readonly ratePlan?: boolean
}

/** Every SIM, in the columns of the report's fleet (M2M or Mobility). */
function writeAssignmentsSheet(
  workbook: Workbook,
  source: ReportSource,
  largest: Record<ColumnFormat, number>,
  planNames: number,
  signal: AbortSignal,
  cellStyle: CellStyles,
): Promise<number> {
  const columns = assignmentReportColumns(source.summary.fleet)
  const sheetColumns: SheetColumn[] = columns.map((column) => ({
    title: column.title,
    format: column.format,
    ratePlan: column.csv === 'current_plan' || column.csv === 'new_plan',
  }))
  return writeTableSheet(workbook, 'Assignments', withLargest(sheetColumns, largest, planNames), source.assignments(), (line) => assignmentValues(line, columns), signal, cellStyle)
}

const CHANGE_COLUMNS: readonly SheetColumn[] = [
  { title: 'ICCID', format: 'text' },
  { title: 'MSISDN', format: 'text' },
  { title: 'Communication plan', format: 'text' },
  { title: 'Old plan', format: 'text', ratePlan: true },
  { title: 'New plan', format: 'text', ratePlan: true },
  { title: 'Cost before', format: 'money' },
  { title: 'Cost after', format: 'money' },
  { title: 'Saving', format: 'money' },
  { title: 'Own saving', format: 'money' },
  { title: 'Pool effect', format: 'money' },
  { title: 'Status', format: 'text' },
]

/** The largest number of each format in `rows` (any sign). */
function largestFigures(rows: readonly (readonly CellValue[])[]): Record<ColumnFormat, number> {
  const largest: Record<ColumnFormat, number> = { text: 0, count: 0, mb: 0, money: 0 }
  for (const row of rows) {
    for (const [index, value] of row.entries()) {
      const format = PLAN_COLUMNS[index]?.format
      if (format !== undefined && typeof value === 'number') largest[format] = Math.max(largest[format], Math.abs(value))
    }
  }
  return largest
}

/** The columns with what is known of their widest values before the rows: the largest figures, the longest plan name. */
function withLargest(columns: readonly SheetColumn[], largest: Record<ColumnFormat, number>, planNameLength: number): SheetColumn[] {
  return columns.map((column) => {
    if (column.format !== 'text') return { ...column, largest: largest[column.format] }
    return column.ratePlan === true ? { ...column, longest: planNameLength } : column
  })
}

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
  // The widths are written before the first row: they come from the first rows, held back until then.
  const iterator = lines[Symbol.asyncIterator]()
  const sample: CellValue[][] = []
  let next = await iterator.next()
  for (; next.done !== true && sample.length < WIDTH_SAMPLE_ROWS; next = await iterator.next()) sample.push(values(next.value))
  const sheet = startTableSheet(workbook, name, columns, sample)
  const styles = columns.map((column) => cellStyle[column.format])
  let count = 0
  const add = async (row: readonly CellValue[]) => {
    addStyledRow(sheet, row, styles)
    if (++count % ROWS_BETWEEN_WAITS === 0) await zipCaughtUp(sheet, signal)
  }
  try {
    for (const row of sample) await add(row)
    for (; next.done !== true; next = await iterator.next()) await add(values(next.value))
  } catch (error) {
    await iterator.return?.()
    throw error
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

/** A sheet with its header row, columns as wide as the header and `rows` need, printed with the header on every page. */
function startTableSheet(workbook: Workbook, name: string, columns: readonly SheetColumn[], rows: readonly (readonly CellValue[])[]): Worksheet {
  const widths = fitWidths(columns, rows)
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }], pageSetup: pageSetupFor(widths, { titleRows: '1:1' }) })
  sheet.columns = widths.map((width) => ({ width }))
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
  { title: 'Kind', format: 'text' },
  { title: 'Name', format: 'text' },
  { title: 'Pool', format: 'text' },
  ...(['before', 'after'] as const).flatMap((when) => PLAN_FIGURES.map((figure) => ({ title: `${figure.title} ${when}`, format: figure.format }))),
]

function planFigures(total: PlanTotal): number[] {
  return PLAN_FIGURES.map((figure) => figure.value(total))
}

/**
 * Every plan and pool line, then the total of the plan lines. Pool lines repeat their plans' figures (with
 * the pool's own overage charge in place of its SIMs' shares), so adding them again would count them twice.
 */
function plansSheetRows(lines: readonly PlanLine[]): CellValue[][] {
  let before = EMPTY_PLAN_TOTAL
  let after = EMPTY_PLAN_TOTAL
  const rows: CellValue[][] = []
  for (const line of lines) {
    rows.push([line.kind, line.name, line.pool, ...planFigures(line.before), ...planFigures(line.after)])
    if (line.kind === 'plan') {
      before = addPlanTotals(before, line.before)
      after = addPlanTotals(after, line.after)
    }
  }
  rows.push(['Total', 'all plans', 'pool lines not added', ...planFigures(before), ...planFigures(after)])
  return rows
}

/** The plan and pool lines, then their total in bold. */
function writePlansSheet(workbook: Workbook, rows: readonly (readonly CellValue[])[], cellStyle: CellStyles): void {
  const sheet = startTableSheet(workbook, 'Plans', PLAN_COLUMNS, rows)
  const styles = PLAN_COLUMNS.map((column) => cellStyle[column.format])
  const bold = styles.map((style) => ({ ...style, font: { bold: true } }))
  for (const [index, row] of rows.entries()) addStyledRow(sheet, row, index === rows.length - 1 ? bold : styles)
  sheet.commit()
}

/** `1` → `A`, `27` → `AA`. */
function columnLetter(column: number): string {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}
