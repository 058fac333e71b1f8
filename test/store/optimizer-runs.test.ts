/** The optimizer's result info as a component stores it: written as JSON, parsed back, never cast. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateFleet } from '../../src/demo/fleet-generator.js'
import { optimize } from '../../src/optimizer/index.js'
import { optimizerInfoColumns, parseOptimizerInfo } from '../../src/store/index.js'

describe('stored optimizer info', () => {
  it('reads back what was stored', async () => {
    const { info } = await optimize(generateFleet({ sims: 400, plans: 6, seed: 1 }), { workers: 0 })
    const columns = optimizerInfoColumns(info)
    assert.equal(columns.optimizer_status, info.status)
    assert.deepEqual(parseOptimizerInfo(columns.optimizer_info), info)
  })

  it('reads nothing from an empty column, text that is not JSON, or JSON of another shape', () => {
    assert.equal(parseOptimizerInfo(null), undefined)
    assert.equal(parseOptimizerInfo('{not json'), undefined)
    assert.equal(parseOptimizerInfo(JSON.stringify({ status: 'fine', components: 1 })), undefined)
  })
})
