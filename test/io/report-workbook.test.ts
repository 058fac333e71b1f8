import assert from 'node:assert/strict'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { before, describe, it } from 'node:test'
import type ExcelJS from 'exceljs'
import { Random } from '../../src/demo/random.js'
import { savingsFigures, type Problem } from '../../src/domain/index.js'
import { readProblemFiles } from '../../src/io/problem-files.js'
import { reportFromOptimization, writeReportCsv, writeReportWorkbook, type ReportSource } from '../../src/io/report/index.js'
import { optimize, type OptimizationResult } from '../../src/optimizer/index.js'
import { CsvTokenizer } from '../../src/io/csv-tokenizer.js'
import { writeFixture } from '../helpers/fixture-files.js'
import { EXAMPLES } from '../helpers/paths.js'
import { randomProblem } from '../helpers/random-problems.js'
import { columnSum, readWorkbook, readZip, sheet, sheetRows, summaryNumber, summaryValue, zipText, type Cell } from '../helpers/report-workbook.js'
import { tempDir } from '../helpers/temp-dir.js'

const ASSIGNMENT_HEADER = [
  'ICCID',
  'MSISDN',
  'Communication plan',
  'Current plan',
  'New plan',
  'Usage so far (MB)',
  'Projected usage (MB)',
  'Monthly',
  'Overage',
  'SMS',
  'Cost before',
  'Cost after',
]
const CSV_HEADER = 'iccid,msisdn,comm_plan,current_plan,new_plan,raw_usage_mb,usage_mb,monthly,overage,sms_charge,cost_before,cost_after'
const CHANGE_HEADER = ['ICCID', 'MSISDN', 'Communication plan', 'Old plan', 'New plan', 'Cost before', 'Cost after', 'Saving', 'Own saving', 'Pool effect', 'Status']
const PLAN_FIGURES = ['SIMs', 'Usage MB', 'Allowance MB', 'Monthly', 'Overage', 'SMS', 'Cost']
const PLAN_HEADER = ['Kind', 'Name', 'Pool', ...PLAN_FIGURES.map((f) => `${f} before`), ...PLAN_FIGURES.map((f) => `${f} after`)]

// One folder for the file: `tempDir` removes it when the file's tests are done (called in a hook, it would go sooner).
const FOLDER = await tempDir()
let folders = 0
const newFolder = async () => {
  const folder = path.join(FOLDER, String(++folders))
  await mkdir(folder)
  return folder
}

/** The characters a value takes in its cell's number format, as a spreadsheet shows it. */
function shownLength(value: Cell, numFmt: string | undefined): number {
  if (value === null) return 0
  if (typeof value !== 'number') return String(value).length
  if (numFmt === '#,##0.00') return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).length
  if (numFmt === '[<10]#,##0.000;#,##0.0') return (value < 10 ? value.toFixed(3) : value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })).length
  return value.toLocaleString('en-US', { maximumFractionDigits: 0 }).length
}

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} vs ${expected}`)

function sourceFor(problem: Problem, result: OptimizationResult): ReportSource {
  return reportFromOptimization(problem, result, {
    tenant: 'acme',
    provider: 'files',
    period: '2025-03',
    sessionId: null,
    startedAt: Date.UTC(2025, 2, 24, 6),
    finishedAt: Date.UTC(2025, 2, 24, 6, 1),
    stages: [{ name: 'optimize', seconds: result.seconds }],
    devicesSyncedTill: null,
    usageMeasuredTill: null,
    generatedAt: Date.UTC(2025, 2, 24, 6, 2),
    currency: 'USD',
    timeZone: 'UTC',
  })
}

async function csvRows(file: string): Promise<string[][]> {
  const rows: string[][] = []
  const tokenizer = new CsvTokenizer((fields) => rows.push(fields))
  tokenizer.push(await readFile(file, 'utf8'))
  tokenizer.end()
  return rows
}

const CASES: { name: string; problem: () => Promise<Problem> }[] = [
  {
    name: 'the bundled example fleet',
    problem: () =>
      readProblemFiles(
        {
          plans: path.join(EXAMPLES, 'plans.csv'),
          pools: path.join(EXAMPLES, 'pools.csv'),
          commPlans: path.join(EXAMPLES, 'comm_plans.csv'),
          sims: path.join(EXAMPLES, 'sims.csv'),
        },
        { periodDays: 30, prorate: true },
      ),
  },
  {
    name: 'the small fixture (a named pool, a locked SIM)',
    problem: async () => {
      const folder = await newFolder()
      await writeFixture(folder)
      const file = (name: string) => path.join(folder, name)
      return readProblemFiles(
        { plans: file('plans.csv'), pools: file('pools.csv'), commPlans: file('comm_plans.csv'), sims: file('sims.csv') },
        { periodDays: 30, prorate: false },
      )
    },
  },
  { name: 'a random fleet of 4,000 SIMs', problem: async () => randomProblem(new Random(2025), { sims: 4000, plans: 7 }) },
]

for (const { name, problem: makeProblem } of CASES) {
  describe(`report workbook of ${name}`, () => {
    let problem: Problem
    let result: OptimizationResult
    let xlsx: string
    let csv: string
    let written: { assignmentRows: number; changeRows: number }
    let workbook: ExcelJS.Workbook
    let rows: Record<string, Cell[][]>
    let changes: number

    before(async () => {
      problem = await makeProblem()
      result = await optimize(problem, { workers: 0 })
      const folder = await newFolder()
      xlsx = path.join(folder, 'report.xlsx')
      csv = path.join(folder, 'report.csv')
      const source = sourceFor(problem, result)
      written = await writeReportWorkbook(xlsx, source)
      await writeReportCsv(csv, source)
      workbook = await readWorkbook(xlsx)
      rows = Object.fromEntries(workbook.worksheets.map((worksheet) => [worksheet.name, sheetRows(worksheet)]))
      changes = result.assignment.filter((plan, i) => plan !== problem.sims.currentPlan[i]).length
    })

    it('has the four sheets in order, with their headers', () => {
      assert.deepEqual(
        workbook.worksheets.map((worksheet) => worksheet.name),
        ['Summary', 'Assignments', 'Plans', 'Changes'],
      )
      assert.deepEqual(rows.Assignments![0], ASSIGNMENT_HEADER)
      assert.deepEqual(rows.Changes![0], CHANGE_HEADER)
      assert.deepEqual(rows.Plans![0], PLAN_HEADER)
    })

    it('has a row per SIM and a row per change, under a frozen, filtered header', () => {
      assert.equal(rows.Assignments!.length - 1, problem.sims.count)
      assert.equal(rows.Changes!.length - 1, changes)
      assert.deepEqual(written, { assignmentRows: problem.sims.count, changeRows: changes })
      for (const [name, lastColumn, dataRows] of [['Assignments', 'L', problem.sims.count], ['Changes', 'K', changes]] as const) {
        const worksheet = sheet(workbook, name)
        assert.equal(worksheet.views[0]?.state, 'frozen', name)
        assert.equal((worksheet.views[0] as { ySplit?: number }).ySplit, 1, name)
        assert.equal(worksheet.autoFilter, `A1:${lastColumn}${dataRows + 1}`, name)
      }
      const assignments = sheet(workbook, 'Assignments')
      assert.equal(assignments.getCell('K2').numFmt, '"$"#,##0.00;-"$"#,##0.00')
      // Usage as the dashboard shows it: three decimals under 10 MB, one from there.
      assert.equal(assignments.getCell('G2').numFmt, '[<10]#,##0.000;#,##0.0')
    })

    it('prints one page wide, landscape when wide, with the header row on every page', () => {
      for (const worksheet of workbook.worksheets) {
        const setup = worksheet.pageSetup
        assert.equal(setup.fitToPage, true, worksheet.name)
        assert.equal(setup.fitToWidth, 1, worksheet.name)
        assert.equal(setup.fitToHeight, 0, worksheet.name)
        const width = worksheet.columns.reduce((sum, column) => sum + (column.width ?? 9), 0)
        if (worksheet.name !== 'Summary') assert.equal(setup.orientation, width > 90 ? 'landscape' : 'portrait', worksheet.name)
        if (worksheet.name !== 'Summary') assert.equal(setup.printTitlesRow, '1:1', worksheet.name)
      }
      // Its chart stands beside the figures: wider than a portrait page.
      assert.equal(sheet(workbook, 'Summary').pageSetup.orientation, 'landscape')
      assert.equal(sheet(workbook, 'Assignments').pageSetup.orientation, 'landscape')
    })

    it('has columns as wide as every value they show, header included', () => {
      for (const name of ['Assignments', 'Plans', 'Changes']) {
        const worksheet = sheet(workbook, name)
        const [header, ...lines] = rows[name]!
        for (const [index, title] of header!.entries()) {
          // exceljs leaves out a column of its default width, 9.
          const width = worksheet.getColumn(index + 1).width ?? 9
          assert.ok(width >= String(title).length + 2, `${name} ${String(title)}: width ${width}`)
          const format = worksheet.getCell(2, index + 1).numFmt
          const widest = Math.max(...lines.map((line) => shownLength(line[index] ?? null, format)))
          assert.ok(width >= widest + 1, `${name} ${String(title)}: width ${width}, a value ${widest} characters wide`)
        }
      }
    })

    it('adds up to the summary: SIM costs, plan totals, savings and gap', () => {
      const costBefore = summaryNumber(workbook, 'Cost before')
      const costAfter = summaryNumber(workbook, 'Cost after')
      assert.equal(costBefore, result.before.total)
      assert.equal(costAfter, result.priced.total)
      close(columnSum(rows.Assignments!, 'Cost before'), costBefore, 'assignments before')
      close(columnSum(rows.Assignments!, 'Cost after'), costAfter, 'assignments after')
      // Each change's saving is its own saving plus its pool effect, and the changes add up to the savings.
      assert.ok(Math.abs(columnSum(rows.Changes!, 'Saving') - (costBefore - costAfter)) < 0.005, 'the changes add up to the savings to the cent')
      close(columnSum(rows.Changes!, 'Saving'), columnSum(rows.Changes!, 'Own saving') + columnSum(rows.Changes!, 'Pool effect'), 'own saving plus pool effect')

      const [header, ...lines] = rows.Plans!
      const column = (title: string) => header!.indexOf(title)
      const total = lines.at(-1)!
      const planLines = lines.filter((line) => line[0] === 'plan')
      assert.equal(total[0], 'Total')
      assert.equal(planLines.length + lines.filter((line) => line[0] === 'pool').length + 1, lines.length)
      for (const when of ['before', 'after'] as const) {
        const expected = when === 'before' ? costBefore : costAfter
        close(total[column(`Cost ${when}`)] as number, expected, `plans total ${when}`)
        close(planLines.reduce((sum, line) => sum + (line[column(`Cost ${when}`)] as number), 0), expected, `plan lines ${when}`)
        assert.equal(planLines.reduce((sum, line) => sum + (line[column(`SIMs ${when}`)] as number), 0), problem.sims.count)
      }
      // A pool line carries the pool's own charge as its overage.
      for (const line of lines.filter((l) => l[0] === 'pool')) {
        const k = problem.pools.findIndex((pool) => pool.name === line[1])
        assert.equal(line[column('Overage after')], result.priced.pools[k]!.charge)
        assert.equal(line[column('Overage before')], result.before.pools[k]!.charge)
      }

      const figures = savingsFigures(costBefore, costAfter, result.lowerBound ?? null)
      close(summaryNumber(workbook, 'Savings'), figures.savings, 'savings')
      close(summaryNumber(workbook, 'Savings %'), figures.savingsPct / 100, 'savings %')
      assert.equal(summaryNumber(workbook, 'Lower bound'), result.lowerBound)
      close(summaryNumber(workbook, 'Gap %'), figures.gapPct! / 100, 'gap %')
      assert.equal(summaryNumber(workbook, 'SIMs'), problem.sims.count)
      assert.equal(summaryNumber(workbook, 'Changes'), changes)
      assert.equal(summaryNumber(workbook, 'Old method (seed strategy) cost'), result.baselineCost)
      assert.deepEqual(summaryValue(workbook, 'Started (UTC)'), new Date(Date.UTC(2025, 2, 24, 6)))
      assert.equal(summaryValue(workbook, 'Billing period'), '2025-03')
    })

    it('charts cost by plan from the summary’s table, with the values cached', async () => {
      const zip = await readZip(xlsx)
      const contentTypes = await zipText(zip, '[Content_Types].xml')
      assert.match(contentTypes, /<Override PartName="\/xl\/drawings\/drawing1\.xml" ContentType="application\/vnd\.openxmlformats-officedocument\.drawing\+xml"\/>/)
      assert.match(contentTypes, /<Override PartName="\/xl\/charts\/chart1\.xml" ContentType="application\/vnd\.openxmlformats-officedocument\.drawingml\.chart\+xml"\/>/)

      // Summary is sheet1: its rels name the drawing, its XML places <drawing> last, where the schema wants it.
      const sheetRels = await zipText(zip, 'xl/worksheets/_rels/sheet1.xml.rels')
      const rel = /<Relationship Id="(rId\d+)" Type="[^"]+\/drawing" Target="\.\.\/drawings\/drawing1\.xml"\/>/.exec(sheetRels)
      assert.ok(rel, sheetRels)
      const sheetXml = await zipText(zip, 'xl/worksheets/sheet1.xml')
      assert.match(sheetXml, new RegExp(`</sheetData>.*<pageSetup [^>]*/>(<headerFooter.*</headerFooter>)?<drawing r:id="${rel[1]}"/></worksheet>$`, 's'))
      assert.match(await zipText(zip, 'xl/drawings/_rels/drawing1.xml.rels'), /Target="\.\.\/charts\/chart1\.xml"/)
      assert.match(await zipText(zip, 'xl/drawings/drawing1.xml'), /<xdr:twoCellAnchor>.*<xdr:graphicFrame .*r:id="rId1"/s)

      const chart = await zipText(zip, 'xl/charts/chart1.xml')
      assert.match(chart, /<c:barChart><c:barDir val="col"\/><c:grouping val="clustered"\/>/)
      const series = [...chart.matchAll(/<c:ser>(.*?)<\/c:ser>/gs)].map((match) => match[1]!)
      assert.equal(series.length, 2)

      const summary = rows.Summary!
      const headerRow = summary.findIndex((row) => row[0] === 'Plan' && row[1] === 'Cost before' && row[2] === 'Cost after')
      assert.ok(headerRow > 0, 'the summary has a cost-by-plan table')
      const table = summary.slice(headerRow + 1)
      const first = headerRow + 2
      const last = headerRow + 1 + table.length
      const expectedPlans = rows.Plans!.filter((row) => row[0] === 'plan')
      assert.deepEqual(
        table.map((row) => row[0]),
        expectedPlans.map((row) => row[1]),
      )
      for (const [s, column, name] of [[0, 'B', 'Cost before'], [1, 'C', 'Cost after']] as const) {
        const xml = series[s]!
        assert.ok(xml.includes(`<c:tx><c:strRef><c:f>Summary!$${column}$${headerRow + 1}</c:f>`), xml.slice(0, 200))
        assert.ok(xml.includes(`<c:v>${name}</c:v>`))
        assert.ok(xml.includes(`<c:cat><c:strRef><c:f>Summary!$A$${first}:$A$${last}</c:f>`))
        assert.ok(xml.includes(`<c:val><c:numRef><c:f>Summary!$${column}$${first}:$${column}$${last}</c:f>`))
        const cached = [...xml.split('<c:val>')[1]!.matchAll(/<c:v>([^<]*)<\/c:v>/g)].map((match) => Number(match[1]))
        assert.deepEqual(
          cached,
          table.map((row) => row[s + 1]),
        )
      }
    })

    it('writes the same SIMs to the CSV as to the Assignments sheet', async () => {
      const [header, ...lines] = await csvRows(csv)
      assert.equal(header!.join(','), CSV_HEADER)
      assert.equal(lines.length, problem.sims.count)
      const sheetLines = rows.Assignments!.slice(1)
      for (const [i, line] of lines.entries()) {
        const expected = sheetLines[i]!.map((value) => (value === null ? '' : typeof value === 'number' ? value : String(value)))
        const actual = line.map((field, column) => (typeof expected[column] === 'number' ? Number(field) : field))
        assert.deepEqual(actual, expected, `SIM ${i + 1}`)
      }
    })
  })
}

describe('report workbook options and edges', () => {
  it('leaves the Assignments sheet out when asked, and says so in the summary', async () => {
    const problem = randomProblem(new Random(3), { sims: 500, plans: 4 })
    const result = await optimize(problem, { strategy: 'seed' })
    const file = path.join(await newFolder(), 'mail.xlsx')
    const written = await writeReportWorkbook(file, sourceFor(problem, result), { assignments: false })
    assert.equal(written.assignmentRows, 0)
    const workbook = await readWorkbook(file)
    assert.deepEqual(
      workbook.worksheets.map((worksheet) => worksheet.name),
      ['Summary', 'Plans', 'Changes'],
    )
    assert.equal(summaryValue(workbook, 'Assignments'), 'left out of this workbook: 500 SIMs')
    assert.equal(summaryNumber(workbook, 'SIMs'), 500)
  })

  it('draws no chart without plan lines', async () => {
    const empty: ReportSource = {
      summary: {
        tenant: null,
        provider: 'files',
        period: null,
        sessionId: null,
        startedAt: null,
        finishedAt: null,
        stages: [],
        sims: 0,
        changes: 0,
        costBefore: 0,
        costAfter: 0,
        lowerBound: null,
        baselineCost: null,
        devicesSyncedTill: null,
        usageMeasuredTill: null,
        generatedAt: Date.UTC(2025, 0, 1),
        currency: 'USD',
        timeZone: 'UTC',
      },
      plans: [],
      async *assignments() {},
      async *changes() {},
    }
    const file = path.join(await newFolder(), 'empty.xlsx')
    assert.deepEqual(await writeReportWorkbook(file, empty), { assignmentRows: 0, changeRows: 0 })
    const zip = await readZip(file)
    assert.equal(zip.file('xl/charts/chart1.xml'), null)
    assert.doesNotMatch(await zipText(zip, 'xl/worksheets/sheet1.xml'), /<drawing /)
    assert.doesNotMatch(await zipText(zip, '[Content_Types].xml'), /chart/)
    const workbook = await readWorkbook(file)
    assert.equal(summaryValue(workbook, 'Gap %'), 'n/a')
    assert.deepEqual(sheetRows(sheet(workbook, 'Plans')).at(-1)?.slice(0, 4), ['Total', 'all plans', 'pool lines not added', 0])
  })

  it('rejects, rather than waits, when its file cannot be created', async () => {
    const problem = randomProblem(new Random(5), { sims: 50, plans: 3 })
    const result = await optimize(problem, { strategy: 'seed' })
    const file = path.join(await newFolder(), 'missing-folder', 'report.xlsx')
    await assert.rejects(writeReportWorkbook(file, sourceFor(problem, result)), { code: 'ENOENT' })
  })

  it("shows money in the provider's currency and times in the tenant's time zone", async () => {
    const problem = randomProblem(new Random(8), { sims: 60, plans: 4 })
    const result = await optimize(problem, { workers: 0 })
    const source = sourceFor(problem, result)
    const file = path.join(await newFolder(), 'eur.xlsx')
    await writeReportWorkbook(file, { ...source, summary: { ...source.summary, currency: 'EUR', timeZone: 'Europe/Berlin' } })
    const workbook = await readWorkbook(file)
    assert.equal(summaryValue(workbook, 'Currency'), 'EUR')
    // 06:00 UTC on 24 March 2025 is 07:00 in Berlin (CET, before the change to summer time on the 30th).
    assert.deepEqual(summaryValue(workbook, 'Started (Europe/Berlin)'), new Date(Date.UTC(2025, 2, 24, 7)))
    assert.equal(sheet(workbook, 'Assignments').getCell('K2').numFmt, '"€"#,##0.00;-"€"#,##0.00')
    assert.equal(sheet(workbook, 'Plans').getCell('J2').numFmt, '"€"#,##0.00;-"€"#,##0.00')
  })
})
