import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { billingPeriod, billingPeriodAt, daysActiveIn } from '../../src/domain/index.js'

const iso = (at: number) => new Date(at).toISOString()

describe('billing periods', () => {
  it('default to the calendar month in the billing time zone', () => {
    const utc = billingPeriod('2026-11', { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 })
    assert.deepEqual([iso(utc.start), iso(utc.end), utc.days], ['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 30])
    const february = billingPeriod('2028-02', { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 })
    assert.equal(february.days, 29)
  })

  it('start after the cycle end day, at the cycle end hour, local time', () => {
    // Cycles end on the 19th, closing at 06:00 Chicago time the next day: period 2026-11 runs from
    // 20 Oct 06:00 (CDT, UTC-5) to 20 Nov 06:00 (CST, UTC-6).
    const period = billingPeriod('2026-11', { timeZone: 'America/Chicago', cycleEndDay: 19, cycleEndHour: 6 })
    assert.deepEqual([iso(period.start), iso(period.end), period.days], ['2026-10-20T11:00:00.000Z', '2026-11-20T12:00:00.000Z', 31])
  })

  it('cross daylight-saving changes by wall-clock time', () => {
    // Berlin leaves summer time on 25 Oct 2026: the period starts at UTC+2 and ends at UTC+1.
    const period = billingPeriod('2026-10', { timeZone: 'Europe/Berlin', cycleEndDay: 0, cycleEndHour: 0 })
    assert.deepEqual([iso(period.start), iso(period.end)], ['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z'])
  })

  it('end at the end of a skipped hour, and at the later of a repeated one', () => {
    // New York: 02:00 on 8 March 2026 does not exist (clocks go to 03:00 EDT); 01:00 on 1 November happens twice.
    const spring = billingPeriod('2026-03', { timeZone: 'America/New_York', cycleEndDay: 7, cycleEndHour: 2 })
    assert.equal(iso(spring.end), '2026-03-08T07:00:00.000Z')
    const autumn = billingPeriod('2026-10', { timeZone: 'America/New_York', cycleEndDay: 31, cycleEndHour: 1 })
    assert.equal(iso(autumn.end), '2026-11-01T06:00:00.000Z', '01:00 EST, the later one')
    // East of UTC the same: Berlin repeats 02:00 on 25 October 2026.
    const berlin = billingPeriod('2026-10', { timeZone: 'Europe/Berlin', cycleEndDay: 24, cycleEndHour: 2 })
    assert.equal(iso(berlin.end), '2026-10-25T01:00:00.000Z', '02:00 CET, the later one')
  })

  it('clamp a cycle end day past the month end to the last day', () => {
    const period = billingPeriod('2026-02', { timeZone: 'UTC', cycleEndDay: 31, cycleEndHour: 0 })
    assert.deepEqual([iso(period.start), iso(period.end)], ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'])
  })

  it('find the period of an instant and count days active in it', () => {
    // Cycles end on the 10th: 1 December belongs to the cycle whose last day is 10 December.
    const cycle = { timeZone: 'Asia/Tokyo', cycleEndDay: 10, cycleEndHour: 0 }
    const period = billingPeriodAt(Date.parse('2026-12-01T00:00:00Z'), cycle)
    assert.equal(period.name, '2026-12')
    assert.deepEqual([iso(period.start), iso(period.end)], ['2026-11-10T15:00:00.000Z', '2026-12-10T15:00:00.000Z'])
    assert.equal(daysActiveIn(period, undefined), period.days)
    assert.equal(daysActiveIn(period, period.end - 3 * 86_400_000), 3)
    assert.equal(daysActiveIn(period, period.end - 2.5 * 86_400_000), 3)
    assert.equal(daysActiveIn(period, period.end + 1), 0)
  })

  it('reject malformed names and settings with what is wrong', () => {
    const cycle = { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }
    assert.throws(() => billingPeriod('2026-1', cycle), /billing period must look like 2026-11, got "2026-1"/)
    assert.throws(() => billingPeriod('2026-11', { ...cycle, timeZone: 'Mars/Olympus' }), /unknown time zone "Mars\/Olympus"/)
    assert.throws(() => billingPeriod('2026-11', { ...cycle, cycleEndHour: 24 }), /cycle end hour must be 0 to 23, got 24/)
  })
})
