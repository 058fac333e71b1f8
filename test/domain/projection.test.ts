import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { projectUsage, type UsageReading } from '../../src/domain/index.js'

const DAY = 86_400_000
const period = { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 11, 1) } // 30 days
const reading = (overrides: Partial<UsageReading> = {}): UsageReading => ({
  usageMb: 10,
  status: 'ACTIVATED',
  measuredAt: period.start + 10 * DAY,
  ...overrides,
})
const now = period.start + 10 * DAY + 3_600_000

describe('usage projection', () => {
  it('extrapolates the run rate to the period end with a 1% cushion: 10 MB after 10 of 30 days is 30.3 MB', () => {
    assert.ok(Math.abs(projectUsage(reading(), period, now) - 30.3) < 1e-9)
  })

  it('uses the cushion given, and can be switched off', () => {
    assert.ok(Math.abs(projectUsage(reading(), period, now, { enabled: true, cushion: 0 }) - 30) < 1e-9)
    assert.equal(projectUsage(reading(), period, now, { enabled: false, cushion: 0.01 }), 10)
  })

  for (const status of ['DEACTIVATED', 'RETIRED'] as const) {
    it(`leaves a ${status} SIM's usage as it is`, () => {
      assert.equal(projectUsage(reading({ status }), period, now), 10)
    })
  }

  const unchanged: [string, Partial<UsageReading>, number][] = [
    ['without a reading time', { measuredAt: undefined }, now],
    ['read before the period', { measuredAt: period.start - 1 }, now],
    ['read at or after the period end', { measuredAt: period.end }, period.end + DAY],
    ['read less than an hour into the period', { measuredAt: period.start + 3_599_999 }, now],
    ['when the period has ended', {}, period.end],
  ]
  for (const [when, overrides, at] of unchanged) {
    it(`leaves usage as it is ${when}`, () => {
      assert.equal(projectUsage(reading(overrides), period, at), 10)
    })
  }

  it('projects from exactly one hour into the period', () => {
    const projected = projectUsage(reading({ usageMb: 1, measuredAt: period.start + 3_600_000 }), period, now)
    assert.ok(Math.abs(projected - 720 * 1.01) < 1e-9)
  })
})
