import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Random } from '../../src/demo/random.js'
import { exactUsageOrder, usageOrder } from '../../src/optimizer/usage-order.js'

describe('SIMs in usage order', () => {
  it('lists every SIM once, by usage in single precision, ties in SIM order', () => {
    const random = new Random(3)
    // Idle SIMs, a heavy tail, and usages that differ past single precision.
    const usage = Float64Array.from({ length: 20_000 }, (_, s) =>
      s % 7 === 0 ? 0 : s % 11 === 0 ? 1000 + s * 1e-9 : Math.exp(random.next() * 12),
    )
    const order = usageOrder(usage)
    assert.deepEqual([...order].sort((a, b) => a - b), Array.from(usage.keys()))
    for (let i = 1; i < order.length; i++) {
      const before = Math.fround(usage[order[i - 1]!]!)
      const after = Math.fround(usage[order[i]!]!)
      assert.ok(before < after || (before === after && order[i - 1]! < order[i]!), `position ${i}`)
    }
  })
})

describe('SIMs in exact usage order', () => {
  it('is the order of a comparison sort by usage then SIM, with -0 as 0', () => {
    const random = new Random(5)
    const usage = Float64Array.from({ length: 20_000 }, (_, s) =>
      s % 7 === 0 ? (s % 2 === 0 ? 0 : -0) : s % 11 === 0 ? 1000 + (s % 5) * 1e-12 : s % 13 === 0 ? 2 ** 40 + s : Math.exp(random.next() * 12) / 7,
    )
    const expected = Int32Array.from(usage.keys()).sort((a, b) => usage[a]! - usage[b]! || a - b)
    assert.deepEqual(exactUsageOrder(usage), expected)
  })
})
