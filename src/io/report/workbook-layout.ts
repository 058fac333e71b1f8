/**
 * How the workbook reads on screen and on paper: column widths from what the columns hold, and each sheet's
 * page setup (landscape when its columns are wider than a portrait page, one page wide, the header row
 * repeated on every page).
 */
import type ExcelJS from 'exceljs'
import type { ColumnFormat } from './report-csv.js'

/**
 * Column widths (Excel's unit: characters of the default font) that fit across a portrait A4 or Letter page
 * at Excel's default margins (about 94 on A4); a sheet wider than this prints landscape.
 */
const PORTRAIT_WIDTH = 90
/** Room beside a cell's text; a header also has its filter button and a bold font. */
const CELL_PADDING = 2
const HEADER_PADDING = 4
const BOLD_FACTOR = 1.1
/** A long text (a comment, a message) wraps off the page rather than widen its column past this. */
const MAX_WIDTH = 60
/** Rows a table sheet looks at for the widths of its text columns: they are written before the rows are. */
export const WIDTH_SAMPLE_ROWS = 1000

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const megabytes = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })

/** The characters a value takes as its column's number format shows it (`workbook.ts`'s formats). */
export function displayedLength(value: string | number | Date | null, format: ColumnFormat): number {
  if (value === null) return 0
  if (value instanceof Date) return 19
  if (typeof value === 'string') return value.length
  if (format === 'money') return money.format(value).length
  if (format === 'mb') return Math.abs(value) < 10 ? value.toFixed(3).length : megabytes.format(value).length
  return counts.format(value).length
}

export interface LaidOutColumn {
  readonly title: string
  readonly format: ColumnFormat
  /**
   * The largest number the column can hold, for a width that fits every row, not only those looked at
   * (a number too wide for its column shows as ####); none for text, which overflows readably.
   */
  readonly largest?: number
  /** The length of the longest text the column can hold, where it is known before the rows (plan names). */
  readonly longest?: number
}

/** Widths that fit the titles (bold, with the filter button) and the values of `rows`, in column order. */
export function fitWidths(columns: readonly LaidOutColumn[], rows: readonly (readonly (string | number | Date | null)[])[]): number[] {
  return columns.map((column, index) => {
    let content = column.largest === undefined ? (column.longest ?? 0) : displayedLength(-Math.abs(column.largest), column.format)
    for (const row of rows) content = Math.max(content, displayedLength(row[index] ?? null, column.format))
    const title = Math.ceil(column.title.length * BOLD_FACTOR) + HEADER_PADDING
    return Math.min(MAX_WIDTH, Math.max(title, content + CELL_PADDING))
  })
}

/**
 * Printed one page wide (as many pages down as it takes), landscape when the columns (`widths`, plus
 * `extraWidth` for a chart beside them) are wider than a portrait page, with `titleRows` (`'1:1'`) on every page.
 */
export function pageSetupFor(widths: readonly number[], options: { titleRows?: string; extraWidth?: number } = {}): Partial<ExcelJS.PageSetup> {
  const width = widths.reduce((sum, each) => sum + each, 0) + (options.extraWidth ?? 0)
  return {
    orientation: width > PORTRAIT_WIDTH ? 'landscape' : 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    ...(options.titleRows === undefined ? {} : { printTitlesRow: options.titleRows }),
  }
}
