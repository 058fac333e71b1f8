/** `summary.json`: the figures of one optimization, and how the optimizer ran (`optimizer`). */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { generateFleet } from '../../src/demo/fleet-generator.js'
import { summarize, writeSummaryFile, type RunSummary } from '../../src/io/index.js'
import { OPTIMIZER_STATUSES, optimize } from '../../src/optimizer/index.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('summary.json', () => {
  it('carries the optimizer’s result info next to the figures it always had', async () => {
    const problem = generateFleet({ sims: 800, plans: 8, seed: 6 })
    const result = await optimize(problem, { workers: 0 })
    const file = path.join(await tempDir(), 'summary.json')
    await writeSummaryFile(file, summarize(problem, result))
    const summary = JSON.parse(await readFile(file, 'utf8')) as RunSummary
    for (const field of ['strategy', 'sims', 'plans', 'changes', 'costBefore', 'costAfter', 'savings', 'savingsPct', 'lowerBound', 'gapPct', 'baselineCost', 'seconds']) {
      assert.ok(field in summary, field)
    }
    assert.equal(summary.costAfter, result.priced.total)
    assert.deepEqual(summary.optimizer, JSON.parse(JSON.stringify(result.info)))
    assert.ok(OPTIMIZER_STATUSES.includes(summary.optimizer.status))
    assert.equal(summary.optimizer.components, 1)
    assert.ok(summary.optimizer.phaseMs.dual > 0)
  })

  it('says the old method proves no bound', async () => {
    const problem = generateFleet({ sims: 300, plans: 5, seed: 2 })
    const summary = summarize(problem, await optimize(problem, { strategy: 'seed' }))
    assert.equal(summary.lowerBound, null)
    assert.equal(summary.optimizer.status, 'no-bound')
  })
})
