/** Reading a report workbook back: its sheets as plain rows, labelled summary values, and its zip parts. */
import { readFile } from 'node:fs/promises'
import ExcelJS from 'exceljs'
import JSZip from 'jszip'

export type Cell = string | number | Date | null

export async function readWorkbook(file: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(file)
  return workbook
}

export function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name)
  if (found === undefined) throw new Error(`the workbook has no sheet ${name}`)
  return found
}

/** Every row from the first, as values from column A; empty cells are null. */
export function sheetRows(worksheet: ExcelJS.Worksheet): Cell[][] {
  const rows: Cell[][] = []
  for (let r = 1; r <= worksheet.rowCount; r++) {
    const row = worksheet.getRow(r)
    const values: Cell[] = []
    for (let c = 1; c <= row.cellCount; c++) values.push((row.getCell(c).value as Cell | undefined) ?? null)
    rows.push(values)
  }
  return rows
}

/** The value beside `label` in column A of the `Summary` sheet. */
export function summaryValue(workbook: ExcelJS.Workbook, label: string): Cell {
  const row = sheetRows(sheet(workbook, 'Summary')).find((values) => values[0] === label)
  if (row === undefined) throw new Error(`the summary has no row ${label}`)
  return row[1] ?? null
}

export function summaryNumber(workbook: ExcelJS.Workbook, label: string): number {
  const value = summaryValue(workbook, label)
  if (typeof value !== 'number') throw new Error(`summary ${label} is ${String(value)}, not a number`)
  return value
}

/** Sum of one column of a table sheet (header in row 1), over the data rows. */
export function columnSum(rows: readonly Cell[][], title: string): number {
  const index = rows[0]!.indexOf(title)
  if (index < 0) throw new Error(`no column ${title}`)
  return rows.slice(1).reduce((sum, row) => sum + (row[index] as number), 0)
}

export async function readZip(file: string): Promise<JSZip> {
  return JSZip.loadAsync(await readFile(file))
}

export async function zipText(zip: JSZip, name: string): Promise<string> {
  const entry = zip.file(name)
  if (entry === null) throw new Error(`the package has no part ${name}`)
  return entry.async('string')
}
