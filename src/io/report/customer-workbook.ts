/**
 * The customer session's workbook (issue 20): one workbook for the whole session, a `Summary` sheet with a
 * line per customer first, then a sheet per customer with the recommended plan of each of its SIMs. One
 * workbook, not one per customer: the consolidated e-mail carries one attachment, and the Summary compares
 * the customers side by side; a reseller forwarding one customer's figures copies its sheet.
 *
 * Written with exceljs's streaming writer into memory (the e-mail attaches the bytes).
 */
import { PassThrough } from 'node:stream'
import { moneyNumberFormat, type CustomerFiguresLine } from '../../domain/index.js'

export interface CustomerSummaryLine extends CustomerFiguresLine {
  readonly note: string
}

export interface CustomerSheetRow {
  readonly iccid: string
  readonly currentPlan: string
  readonly newPlan: string
  readonly usageMb: number
  readonly costBefore: number
  readonly costAfter: number
}

const SUMMARY_HEADER = ['Customer', 'Name', 'SIMs', 'Changes', 'Bill before', 'Bill after', 'Savings', 'Lower bound', 'Gap %', 'Old method', 'Usage']
const SHEET_HEADER = ['ICCID', 'Current plan', 'Recommended plan', 'Usage MB', 'Cost before', 'Cost after']

/** Excel's rules for sheet names: at most 31 characters, none of `[]:*?/\`, unique regardless of case. */
export function sheetName(customer: string, taken: Set<string>): string {
  const base = customer.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'customer'
  let name = base
  for (let n = 2; taken.has(name.toLowerCase()) || name.toLowerCase() === 'summary'; n++) name = `${base.slice(0, 31 - String(n).length - 1)}~${n}`
  taken.add(name.toLowerCase())
  return name
}

export async function customerWorkbook(
  summary: readonly CustomerSummaryLine[],
  sheets: (customer: string) => Promise<readonly CustomerSheetRow[]>,
  currency: string,
): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs')
  const output = new PassThrough()
  const chunks: Buffer[] = []
  output.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise<void>((resolve, reject) => {
    output.on('end', resolve)
    output.on('error', reject)
  })
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false })
  const money = moneyNumberFormat(currency)
  const head = workbook.addWorksheet('Summary')
  head.columns = SUMMARY_HEADER.map((header, index) => ({ header, width: index < 2 ? 24 : 14, style: index >= 4 && index !== 8 && index !== 10 ? { numFmt: money } : index === 8 ? { numFmt: '0.000' } : {} }))
  for (const line of summary) {
    head.addRow([line.customer, line.name, line.sims, line.changes, line.billBefore, line.billAfter, line.billBefore - line.billAfter, line.lowerBound, line.gapPct, line.baselineCost, line.note]).commit()
  }
  head.commit()
  const taken = new Set<string>()
  for (const line of summary) {
    const sheet = workbook.addWorksheet(sheetName(line.customer, taken))
    sheet.columns = SHEET_HEADER.map((header, index) => ({ header, width: index === 0 ? 24 : 18, style: index >= 4 ? { numFmt: money } : index === 3 ? { numFmt: '#,##0.000' } : {} }))
    for (const row of await sheets(line.customer)) sheet.addRow([row.iccid, row.currentPlan, row.newPlan, row.usageMb, row.costBefore, row.costAfter]).commit()
    sheet.commit()
  }
  await workbook.commit()
  await ended
  return Buffer.concat(chunks)
}
