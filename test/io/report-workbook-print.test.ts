/**
 * The workbook prints: a real session's workbook (the example fleet imported, a session run, `simopt report
 * --xlsx`) converted to PDF by LibreOffice, as an analyst's print would come out. Each sheet is one page
 * wide (every page has the header row's first and last column), landscape, with its header row repeated on
 * every page and no page left half empty but the last of each sheet. Needs Debian's `libreoffice-calc-nogui`
 * and `poppler-utils` (`.ci/run` installs them): skipped with a message outside CI when they are missing.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, it, type TestContext } from 'node:test'
import { EXAMPLES } from '../helpers/paths.js'
import { importArgs, RUN_ARGS, simoptOk, sqliteLocal } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const run = promisify(execFile)
const LIBREOFFICE = process.env.SIMOPT_TEST_LIBREOFFICE ?? 'libreoffice'
const SIMS = 3000

async function missingTools(): Promise<string | undefined> {
  for (const [tool, args] of [[LIBREOFFICE, ['--version']], ['pdfinfo', ['-v']], ['pdftotext', ['-v']]] as const) {
    try {
      await run(tool, [...args])
    } catch (error) {
      return `${tool} cannot be run (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`
    }
  }
  return undefined
}

function skipWithout(t: TestContext, reason: string): void {
  if (process.env.CI === 'true') throw new Error(`${reason}; CI needs it (.ci/run installs libreoffice-calc-nogui and poppler-utils)`)
  t.skip(`skipped: ${reason}`)
}

/** The PDF's pages as `pdftotext -layout` lays them out, and each page's size in points. */
async function pdfPages(pdf: string): Promise<{ text: string[]; sizes: { width: number; height: number }[] }> {
  const { stdout: layout } = await run('pdftotext', ['-layout', pdf, '-'], { maxBuffer: 64 * 1024 * 1024 })
  const { stdout: info } = await run('pdfinfo', ['-f', '1', '-l', '100000', pdf])
  const sizes = [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((match) => ({ width: Number(match[1]), height: Number(match[2]) }))
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])
  // pdftotext ends every page with a form feed, the last one included.
  const text = layout.split('\f').slice(0, pages)
  return { text, sizes }
}

const SHEETS = [
  { name: 'Assignments', header: /^ICCID\s+MSISDN\s+Communication plan\s+Current plan\s+New plan\s+Usage so far \(MB\).*\s+Cost after$/, row: /^\d{19}\s/ },
  { name: 'Plans', header: /^Kind\s+Name\s+Pool\s+SIMs before\s+.*\s+Cost after$/, row: /^(plan|pool|Total)\s/ },
  { name: 'Changes', header: /^ICCID\s+MSISDN\s+Communication plan\s+Old plan\s+New plan\s+Cost before\s+Cost after\s+Saving\s+Own saving\s+Pool effect\s+Status$/, row: /^\d{19}\s/ },
] as const

describe('the workbook prints', () => {
  it("a session's workbook as PDF: the Summary on one page, each table one page wide with its header on every page", async (t) => {
    const missing = await missingTools()
    if (missing !== undefined) return skipWithout(t, missing)
    const folder = await tempDir()
    const env = { ...sqliteLocal(folder), SIMOPT_LOG_LEVEL: 'silent', SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox') }
    const files = { plans: 'plans.csv', pools: 'pools.csv', commPlans: 'comm_plans.csv', sims: 'sims.csv' }
    await simoptOk(env, importArgs(Object.fromEntries(Object.entries(files).map(([key, file]) => [key, path.join(EXAMPLES, file)])) as typeof files))
    const id = (await simoptOk(env, [...RUN_ARGS, '--no-sync', '--wait'])).stdout.trim()
    const workbook = path.join(folder, 'report.xlsx')
    await simoptOk(env, ['report', id, '--xlsx', workbook])

    // A profile of its own: LibreOffice instances sharing one (parallel tests, a desktop session) wait on each other's lock.
    await run(LIBREOFFICE, [`-env:UserInstallation=file://${path.join(folder, 'libreoffice-profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', folder, workbook], { timeout: 180_000 })
    const { text, sizes } = await pdfPages(path.join(folder, 'report.pdf'))
    assert.equal(sizes.length, text.length)
    for (const [index, size] of sizes.entries()) assert.ok(size.width > size.height, `page ${index + 1} is landscape: ${size.width} x ${size.height}`)

    const lines = text.map((page) => page.split('\n').map((line) => line.trim()).filter((line) => line !== ''))
    assert.match(lines[0]![0]!, /^Tenant\s+acme$/, 'the Summary comes first')
    // A currency sign or code may stand before or after the amount.
    assert.ok(lines[0]!.some((line) => /^Savings\s+\D{0,4}[\d,]+\.\d\d\b/.test(line)), lines[0]!.join('\n'))
    let page = 1
    const rows: Record<string, number> = {}
    for (const sheet of SHEETS) {
      const perPage: number[] = []
      // Every page of the sheet opens with its whole header row: one page wide, the header repeated.
      while (page < lines.length && sheet.header.test(lines[page]![0] ?? '')) {
        const [, ...body] = lines[page]!
        assert.ok(body.every((line) => sheet.row.test(line)), `${sheet.name}, page ${page + 1}: only rows under the header`)
        perPage.push(body.length)
        page++
      }
      assert.ok(perPage.length > 0, `${sheet.name} starts on page ${page + 1}: ${lines[page]?.[0]}`)
      // Full pages but the last: no column or row cut off onto a page of its own.
      assert.ok(perPage.slice(0, -1).every((count) => count === perPage[0]), `${sheet.name} rows per page: ${perPage.join(', ')}`)
      rows[sheet.name] = perPage.reduce((sum, count) => sum + count, 0)
    }
    assert.equal(page, lines.length, 'no page after the Changes')
    assert.equal(rows.Assignments, SIMS)
    const changes = Number(/changes\s+([\d,]+)/.exec((await simoptOk(env, ['status', id])).stdout)?.[1]?.replaceAll(',', ''))
    assert.equal(rows.Changes, changes)
    // 3,000 SIMs one page wide: about 70 rows a page, so some 43 pages; 1 Summary, 1 Plans, some 30 Changes.
    assert.ok(text.length < 100, `${text.length} pages`)
  })
})
