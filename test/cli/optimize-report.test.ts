import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import type { RunSummary } from '../../src/io/summary-file.js'
import { VALID_FILES, withLine, writeFixture } from '../helpers/fixture-files.js'
import { runSimopt } from '../helpers/cli.js'
import { readWorkbook, readZip, sheet, sheetRows, summaryNumber } from '../helpers/report-workbook.js'
import { tempDir } from '../helpers/temp-dir.js'

const FOLDER = await tempDir()

function outputs(folder: string) {
  return {
    out: path.join(folder, 'assignment.csv'),
    summary: path.join(folder, 'summary.json'),
    xlsx: path.join(folder, 'report.xlsx'),
    reportCsv: path.join(folder, 'report.csv'),
  }
}

function outputArgs(files: ReturnType<typeof outputs>): string[] {
  return ['--out', files.out, '--summary', files.summary, '--xlsx', files.xlsx, '--report-csv', files.reportCsv]
}

describe('simopt optimize --xlsx --report-csv', () => {
  it('writes the workbook and the report CSV beside the assignment and summary', async () => {
    const folder = path.join(FOLDER, 'ok')
    const files = outputs(folder)
    const run = await runSimopt(['optimize', ...(await writeFixture(folder)), ...outputArgs(files)])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /wrote .*assignment\.csv, .*summary\.json, .*report\.xlsx and .*report\.csv$/m)

    const summary = JSON.parse(await readFile(files.summary, 'utf8')) as RunSummary
    const workbook = await readWorkbook(files.xlsx)
    assert.deepEqual(
      workbook.worksheets.map((worksheet) => worksheet.name),
      ['Summary', 'Assignments', 'Plans', 'Changes'],
    )
    assert.equal(summaryNumber(workbook, 'Cost before'), summary.costBefore)
    assert.equal(summaryNumber(workbook, 'Cost after'), summary.costAfter)
    assert.equal(summaryNumber(workbook, 'Changes'), summary.changes)
    assert.equal(sheetRows(sheet(workbook, 'Assignments')).length, summary.sims + 1)
    assert.equal(sheetRows(sheet(workbook, 'Changes')).length, summary.changes + 1)
    assert.ok((await readZip(files.xlsx)).file('xl/charts/chart1.xml'), 'the workbook has its chart')

    const csvLines = (await readFile(files.reportCsv, 'utf8')).trimEnd().split('\n')
    assert.equal(csvLines.length, summary.sims + 1)
    assert.match(csvLines[0]!, /^iccid,msisdn,comm_plan,/)
  })

  it('writes none of its files when the input is bad', async () => {
    const folder = path.join(FOLDER, 'bad-input')
    const files = outputs(folder)
    const sims = withLine(VALID_FILES.sims, 3, '8901170000000000002,-40,0,GENERAL,IND-5,30,true')
    const run = await runSimopt(['optimize', ...(await writeFixture(folder, { sims })), ...outputArgs(files)])
    assert.equal(run.code, 2)
    assert.deepEqual((await readdir(folder)).sort(), ['comm_plans.csv', 'plans.csv', 'pools.csv', 'sims.csv'])
  })

  it('writes none of its files when one of them cannot be written', async () => {
    const folder = path.join(FOLDER, 'unwritable')
    const args = await writeFixture(folder)
    // The report CSV's folder is a file, so the last output fails after the others were written aside.
    await writeFile(path.join(folder, 'not-a-folder'), '')
    const files = { ...outputs(folder), reportCsv: path.join(folder, 'not-a-folder', 'report.csv') }
    const run = await runSimopt(['optimize', ...args, ...outputArgs(files)])
    assert.notEqual(run.code, 0)
    assert.deepEqual((await readdir(folder)).sort(), ['comm_plans.csv', 'not-a-folder', 'plans.csv', 'pools.csv', 'sims.csv'])
  })
})
