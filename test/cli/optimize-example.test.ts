import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { currentAssignment, priceAssignment } from '../../src/domain/index.js'
import { readAssignmentFile } from '../../src/io/assignment-file.js'
import { CsvTokenizer } from '../../src/io/csv-tokenizer.js'
import { readProblemFiles } from '../../src/io/problem-files.js'
import type { RunSummary } from '../../src/io/summary-file.js'
import { runSimopt } from '../helpers/cli.js'
import { EXAMPLES } from '../helpers/paths.js'
import { tempDir } from '../helpers/temp-dir.js'

const exampleFiles = {
  plans: path.join(EXAMPLES, 'plans.csv'),
  pools: path.join(EXAMPLES, 'pools.csv'),
  commPlans: path.join(EXAMPLES, 'comm_plans.csv'),
  sims: path.join(EXAMPLES, 'sims.csv'),
}
const exampleArgs = ['--plans', exampleFiles.plans, '--pools', exampleFiles.pools, '--comm-plans', exampleFiles.commPlans, '--sims', exampleFiles.sims]

async function csvRows(file: string): Promise<string[][]> {
  const rows: string[][] = []
  const tokenizer = new CsvTokenizer((fields) => rows.push(fields))
  tokenizer.push(await readFile(file, 'utf8'))
  tokenizer.end()
  return rows
}

describe('simopt optimize on the bundled example fleet', () => {
  it('runs the old system’s method when asked, without a bound', async () => {
    const folder = await tempDir()
    const summaryFile = path.join(folder, 'summary.json')
    const run = await runSimopt(['optimize', ...exampleArgs, '--strategy', 'seed', '--out', path.join(folder, 'a.csv'), '--summary', summaryFile])
    assert.equal(run.code, 0, run.stderr)
    const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as RunSummary
    assert.equal(summary.strategy, 'seed')
    assert.equal(summary.lowerBound, null)
    assert.equal(summary.gapPct, null)
    assert.equal(summary.baselineCost, summary.costAfter)
  })

  for (const prorate of [false, true]) {
    it(`writes an assignment whose cost-model total is the summary's${prorate ? ' (prorated)' : ''}`, async () => {
      const folder = await tempDir()
      const out = path.join(folder, 'assignment.csv')
      const summaryFile = path.join(folder, 'summary.json')
      const run = await runSimopt(['optimize', ...exampleArgs, ...(prorate ? ['--prorate'] : []), '--out', out, '--summary', summaryFile])
      assert.equal(run.code, 0, run.stderr)
      assert.equal(run.stderr, '')
      for (const label of ['SIMs', 'changes', 'cost before', 'cost after', 'savings']) assert.match(run.stdout, new RegExp(`^  ${label} `, 'm'))

      const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as RunSummary
      const problem = await readProblemFiles(exampleFiles, { periodDays: 30, prorate })
      const assignment = await readAssignmentFile(out, problem)
      assert.equal(summary.costAfter, priceAssignment(problem, assignment).total)
      assert.equal(summary.costBefore, priceAssignment(problem, currentAssignment(problem)).total)
      assert.ok(summary.costAfter < summary.costBefore, 'the example has savings to find')
      assert.ok(Math.abs(summary.savings - (summary.costBefore - summary.costAfter)) < 1e-9)
      assert.equal(summary.sims, problem.sims.count)
      assert.equal(summary.plans, problem.plans.length)
      // The default strategy certifies a bound, and beats the old system's method reported beside it.
      assert.equal(summary.strategy, 'lagrangian')
      assert.ok(summary.lowerBound !== null && summary.lowerBound <= summary.costAfter)
      assert.ok(Math.abs(summary.gapPct! - ((summary.costAfter - summary.lowerBound) / summary.costAfter) * 100) < 1e-9)
      assert.ok(summary.baselineCost > summary.costAfter)
      for (const label of ['lower bound', 'gap', 'old method']) assert.match(run.stdout, new RegExp(`^  ${label} `, 'm'))

      const [header, ...rows] = await csvRows(out)
      assert.deepEqual(header, ['iccid', 'comm_plan', 'current_plan', 'new_plan', 'usage_mb', 'monthly', 'overage', 'sms_charge', 'cost_before', 'cost_after'])
      assert.equal(rows.length, problem.sims.count)
      assert.equal(rows.filter((row) => row[2] !== row[3]).length, summary.changes)
      const column = (name: string) => rows.reduce((sum, row) => sum + Number(row[header!.indexOf(name)]), 0)
      // Per-SIM figures are written to a millionth; their sums match the totals to that precision.
      assert.ok(Math.abs(column('cost_after') - summary.costAfter) < 1e-6 * rows.length)
      assert.ok(Math.abs(column('cost_before') - summary.costBefore) < 1e-6 * rows.length)
      assert.ok(Math.abs(column('monthly') + column('overage') + column('sms_charge') - summary.costAfter) < 1e-6 * rows.length)
    })
  }
})
