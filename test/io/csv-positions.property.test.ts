import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { isSimoptError } from '../../src/domain/index.js'
import { readProblemFiles, writeProblemFiles } from '../../src/io/problem-files.js'
import { errorPosition } from '../helpers/input-errors.js'
import { REALISTIC, problemArbitrary } from '../helpers/problem-arbitraries.js'
import { propertyRuns } from '../helpers/property.js'
import { tempDir } from '../helpers/temp-dir.js'

/** A value each column of sims.csv refuses, whatever the rest of the problem is. */
const BAD_SIM_VALUES: Readonly<Record<string, readonly string[]>> = {
  iccid: ['12345', 'x8901', '8.90117E+18', '""'],
  usage_mb: ['-1', 'ten', '1e400', '0x10'],
  sms: ['1.5', '-2', 'many'],
  comm_plan: ['NO SUCH COMM PLAN'],
  current_plan: ['NO SUCH PLAN'],
  days_active: ['367', '2.5', '-1'],
  auto_change: ['maybe', '2'],
}
const PLANS_BAD_VALUES: Readonly<Record<string, readonly string[]>> = {
  monthly_rate: ['-0.01', 'free', 'Infinity'],
  included_mb: ['-5', '5 MB'],
  overage_block_mb: ['0', '-1'],
  overage_block_price: ['0', 'NaN'],
  sms_rate: ['-1'],
  pooled: ['perhaps'],
}

/** `text` (written with LF and no quotes) with the cell at data row `row`, column `column` replaced. */
function withCell(text: string, row: number, column: number, value: string): string {
  const lines = text.split('\n')
  const cells = lines[row + 1]!.split(',')
  cells[column] = value
  lines[row + 1] = cells.join(',')
  return lines.join('\n')
}

describe('a bad value is reported at its line and column (property)', () => {
  for (const [fileKey, badValues] of [
    ['sims', BAD_SIM_VALUES],
    ['plans', PLANS_BAD_VALUES],
  ] as const) {
    it(`in ${fileKey}.csv, at any row and column`, async () => {
      const folder = await tempDir()
      let run = 0
      const columns = Object.keys(badValues)
      const cases = problemArbitrary({ ...REALISTIC, minSims: 1 }).chain((problem) =>
        fc.record({
          problem: fc.constant(problem),
          row: fc.nat({ max: (fileKey === 'sims' ? problem.sims.count : problem.plans.length) - 1 }),
          column: fc.constantFrom(...columns),
          pick: fc.nat(),
        }),
      )
      await fc.assert(
        fc.asyncProperty(cases, async ({ problem, row, column, pick }) => {
          const files = await writeProblemFiles(path.join(folder, String(run++)), problem)
          const text = await readFile(files[fileKey], 'utf8')
          const header = text.slice(0, text.indexOf('\n')).split(',')
          const index = header.indexOf(column)
          const values = badValues[column]!
          await writeFile(files[fileKey], withCell(text, row, index, values[pick % values.length]!))
          const error = await readProblemFiles(files, problem.billing).then(
            () => assert.fail(`accepted ${values[pick % values.length]} in ${column}`),
            (error: unknown) => error,
          )
          assert.ok(isSimoptError(error) && error.code === 'INPUT_INVALID', String(error))
          assert.deepEqual(errorPosition(error.message), { file: `${fileKey}.csv`, line: row + 2, column: index + 1 })
        }),
        propertyRuns(120),
      )
    })
  }
})
