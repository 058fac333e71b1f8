import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { currentAssignment, priceAssignment, type Problem } from '../../src/domain/index.js'
import { readAssignmentFile, writeAssignmentFile } from '../../src/io/assignment-file.js'
import { CsvTokenizer } from '../../src/io/csv-tokenizer.js'
import { csvField } from '../../src/io/csv-writer.js'
import { readProblemFiles, writeProblemFiles } from '../../src/io/problem-files.js'
import { withBom, withCrlf } from '../helpers/csv-variants.js'
import { EXTREME, pricedCaseArbitrary, problemArbitrary } from '../helpers/problem-arbitraries.js'
import { propertyRuns } from '../helpers/property.js'
import { tempDir } from '../helpers/temp-dir.js'

/** Records of `text`, each with the line it starts on, fed to the tokenizer in pieces cut at `cuts`. */
function tokenize(text: string, cuts: readonly number[]): [string[], number][] {
  const records: [string[], number][] = []
  const tokenizer = new CsvTokenizer((fields, line) => records.push([fields, line]))
  let from = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    tokenizer.push(text.slice(from, Math.max(from, cut)))
    from = Math.max(from, cut)
  }
  tokenizer.push(text.slice(from))
  tokenizer.end()
  return records
}

const FORMATS = fc.record({ crlf: fc.boolean(), bom: fc.boolean() })

function formatted(text: string, format: { crlf: boolean; bom: boolean }): string {
  const lines = format.crlf ? withCrlf(text) : text
  return format.bom ? withBom(lines) : lines
}

/** The parts of a problem the files carry, in a form `deepEqual` compares. */
function contents(problem: Problem) {
  const { sims } = problem
  return {
    plans: problem.plans,
    pools: problem.pools,
    poolOfPlan: [...problem.poolOfPlan],
    commPlans: problem.commPlans,
    sims: {
      iccid: sims.iccid,
      usageMb: [...sims.usageMb],
      sms: [...sims.sms],
      commPlan: [...sims.commPlan],
      currentPlan: [...sims.currentPlan],
      daysActive: [...sims.daysActive],
      autoChange: [...sims.autoChange],
    },
  }
}

describe('CSV files read back what the writer wrote (property)', () => {
  it('tokenizes any table of text written field by field, LF or CRLF, with or without a BOM, however the text is cut', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ',', '"', '\n', '\r', ' ', '\t', '\ufeff', '\u00a0', 'é', '\u{1F4F6}'), maxLength: 8 })
    const table = fc.integer({ min: 2, max: 5 }).chain((columns) => fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: 8 }))
    fc.assert(
      fc.property(table, FORMATS, fc.array(fc.nat({ max: 400 }), { maxLength: 4 }), (rows, format, cuts) => {
        const lines = rows.map((row) => row.map(csvField).join(','))
        const text = formatted(lines.join('\n') + '\n', format)
        // A record starts after the line breaks of the records before it, quoted ones included.
        let line = 1
        const expected = rows.map((row, r): [string[], number] => {
          const start = line
          line += lines[r]!.split('\n').length
          return [row, start]
        })
        assert.deepEqual(tokenize(text, cuts), expected)
      }),
      propertyRuns(2000),
    )
  })

  it('reads back any problem written as files: plans, pools, communication plans and SIMs', async () => {
    const folder = await tempDir()
    let run = 0
    await fc.assert(
      fc.asyncProperty(problemArbitrary(EXTREME), FORMATS, async (problem, format) => {
        const files = await writeProblemFiles(path.join(folder, String(run++)), problem)
        for (const file of Object.values(files)) await writeFile(file, formatted(await readFile(file, 'utf8'), format))
        const read = await readProblemFiles(files, problem.billing)
        assert.deepEqual(contents(read), contents(problem))
      }),
      propertyRuns(100),
    )
  })

  it('reads back the plan of every SIM from any assignment file written', async () => {
    const folder = await tempDir()
    let run = 0
    await fc.assert(
      fc.asyncProperty(pricedCaseArbitrary(EXTREME), FORMATS, async ({ problem, assignment }, format) => {
        const file = path.join(folder, `assignment-${run++}.csv`)
        await writeAssignmentFile(file, problem, assignment, priceAssignment(problem, currentAssignment(problem)), priceAssignment(problem, assignment))
        await writeFile(file, formatted(await readFile(file, 'utf8'), format))
        assert.deepEqual(await readAssignmentFile(file, problem), assignment)
      }),
      propertyRuns(100),
    )
  })
})
