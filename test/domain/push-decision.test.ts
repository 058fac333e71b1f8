/** Go / no-go for pushing changes: all of them must be in place 10 minutes before the period ends. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decidePush } from '../../src/domain/index.js'

const NOW = Date.UTC(2026, 10, 30, 20, 0)
const END = Date.UTC(2026, 11, 1, 0, 0)
const facts = { changes: 600, changesPerMinute: undefined, now: NOW, periodEndsAt: END, writeEnabled: true }

describe('push decision', () => {
  it('goes when the push at 60 a minute ends well before the period', () => {
    const decision = decidePush(facts)
    assert.equal(decision.go, true)
    assert.equal(decision.estimatedSeconds, 600)
    assert.equal(decision.endsAt, NOW + 600_000)
    assert.match(decision.reason, /600 changes at 60 a minute \(no earlier push: the default\) take 10\.0 min: the push ends by 2026-11-30 20:10 UTC/)
  })

  it('uses the throughput measured on earlier pushes', () => {
    const decision = decidePush({ ...facts, changesPerMinute: 300 })
    assert.equal(decision.estimatedSeconds, 120)
    assert.doesNotMatch(decision.reason, /default/)
  })

  it('is a no-go when the push would end less than 10 minutes before the period ends, and a go at exactly 10', () => {
    // 600 changes take 10 minutes: starting 20 minutes before the end leaves exactly 10.
    assert.equal(decidePush({ ...facts, now: END - 20 * 60_000 }).go, true)
    const late = decidePush({ ...facts, now: END - 20 * 60_000 + 1 })
    assert.equal(late.go, false)
    assert.match(late.reason, /later than 10 minutes before the period ends at 2026-12-01 00:00 UTC/)
    assert.match(decidePush({ ...facts, now: END + 1 }).reason, /the period ended at 2026-12-01 00:00 UTC/)
  })

  it('is a no-go without writes allowed or without changes', () => {
    assert.match(decidePush({ ...facts, writeEnabled: false }).reason, /does not allow simopt to change rate plans/)
    assert.equal(decidePush({ ...facts, writeEnabled: false }).go, false)
    assert.equal(decidePush({ ...facts, changes: 0 }).go, false)
  })
})
