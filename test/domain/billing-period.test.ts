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

  it('end on the cycle end day at the cycle end hour, local time', () => {
    // Cycles end at 06:00 Chicago time on the 20th (their last day is the 19th): period 2026-11 runs from
    // 20 Oct 06:00 (CDT, UTC-5) to 20 Nov 06:00 (CST, UTC-6).
    const period = billingPeriod('2026-11', { timeZone: 'America/Chicago', cycleEndDay: 20, cycleEndHour: 6 })
    assert.deepEqual([iso(period.start), iso(period.end), period.days], ['2026-10-20T11:00:00.000Z', '2026-11-20T12:00:00.000Z', 31])
  })

  it('cross daylight-saving changes by wall-clock time', () => {
    // Berlin leaves summer time on 25 Oct 2026: the period starts at UTC+2 and ends at UTC+1.
    const period = billingPeriod('2026-10', { timeZone: 'Europe/Berlin', cycleEndDay: 0, cycleEndHour: 0 })
    assert.deepEqual([iso(period.start), iso(period.end)], ['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z'])
  })

  it('end at the end of a skipped hour, and at the later of a repeated one', () => {
    // New York: 02:00 on 8 March 2026 does not exist (clocks go to 03:00 EDT); 01:00 on 1 November happens twice.
    const spring = billingPeriod('2026-03', { timeZone: 'America/New_York', cycleEndDay: 8, cycleEndHour: 2 })
    assert.equal(iso(spring.end), '2026-03-08T07:00:00.000Z')
    const autumn = billingPeriod('2026-10', { timeZone: 'America/New_York', cycleEndDay: 1, cycleEndHour: 1 })
    assert.equal(iso(autumn.end), '2026-11-01T06:00:00.000Z', '01:00 EST, the later one')
    // East of UTC the same: Berlin repeats 02:00 on 25 October 2026.
    const berlin = billingPeriod('2026-10', { timeZone: 'Europe/Berlin', cycleEndDay: 25, cycleEndHour: 2 })
    assert.equal(iso(berlin.end), '2026-10-25T01:00:00.000Z', '02:00 CET, the later one')
  })

  it('end a cycle whose end day the month does not have when the month ends', () => {
    // Cycles end as the 31st begins: January's on the 31st, February's when February ends.
    const period = billingPeriod('2026-02', { timeZone: 'UTC', cycleEndDay: 31, cycleEndHour: 0 })
    assert.deepEqual([iso(period.start), iso(period.end)], ['2026-01-31T00:00:00.000Z', '2026-03-01T00:00:00.000Z'])
  })

  it('find the period of an instant and count days active in it', () => {
    // Cycles end as the 11th begins: 1 December belongs to the cycle whose last day is 10 December.
    const cycle = { timeZone: 'Asia/Tokyo', cycleEndDay: 11, cycleEndHour: 0 }
    const period = billingPeriodAt(Date.parse('2026-12-01T00:00:00Z'), cycle)
    assert.equal(period.name, '2026-12')
    assert.deepEqual([iso(period.start), iso(period.end)], ['2026-11-10T15:00:00.000Z', '2026-12-10T15:00:00.000Z'])
    assert.equal(daysActiveIn(period, undefined), period.days)
    assert.equal(daysActiveIn(period, period.end - 3 * 86_400_000), 3)
    assert.equal(daysActiveIn(period, period.end - 2.5 * 86_400_000), 3)
    assert.equal(daysActiveIn(period, period.end + 1), 0)
  })

  it('a cycle that ends on day 1 at hour 0 is the calendar month, named by itself', () => {
    const cycle = { timeZone: 'UTC', cycleEndDay: 1, cycleEndHour: 0 }
    const december = billingPeriod('2026-12', cycle)
    assert.deepEqual([iso(december.start), iso(december.end), december.days], ['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 31])
    // On 6 December the current cycle is December's: it started on the 1st, not on 2 November.
    assert.deepEqual(billingPeriodAt(Date.parse('2026-12-06T12:00:00Z'), cycle), december)
    assert.deepEqual(billingPeriod('2026-12', { ...cycle, cycleEndDay: 0 }), december, 'day 0 means the same')
    // A later hour shifts the cycle, not its name: 1 Nov 06:00 to 1 Dec 06:00 is November's.
    const shifted = billingPeriod('2026-11', { ...cycle, cycleEndHour: 6 })
    assert.deepEqual([iso(shifted.start), iso(shifted.end)], ['2026-11-01T06:00:00.000Z', '2026-12-01T06:00:00.000Z'])
  })

  it('agree for every end day: 28 to 31 and February in leap and other years', () => {
    const bounds = (name: string, cycleEndDay: number) => {
      const period = billingPeriod(name, { timeZone: 'UTC', cycleEndDay, cycleEndHour: 0 })
      return `${iso(period.start).slice(0, 10)} ${iso(period.end).slice(0, 10)} ${period.days}`
    }
    const table = [
      // [end day, period, start, end, days]
      [28, '2027-02', '2027-01-28 2027-02-28 31'],
      [28, '2027-03', '2027-02-28 2027-03-28 28'],
      [29, '2027-02', '2027-01-29 2027-03-01 31'],
      [29, '2027-03', '2027-03-01 2027-03-29 28'],
      [29, '2028-02', '2028-01-29 2028-02-29 31'],
      [29, '2028-03', '2028-02-29 2028-03-29 29'],
      [30, '2027-02', '2027-01-30 2027-03-01 30'],
      [30, '2028-02', '2028-01-30 2028-03-01 31'],
      [30, '2027-04', '2027-03-30 2027-04-30 31'],
      [31, '2027-01', '2026-12-31 2027-01-31 31'],
      [31, '2027-02', '2027-01-31 2027-03-01 29'],
      [31, '2027-04', '2027-03-31 2027-05-01 31'],
      [0, '2028-02', '2028-02-01 2028-03-01 29'],
      [1, '2027-02', '2027-02-01 2027-03-01 28'],
    ] as const
    for (const [day, name, expected] of table) assert.equal(bounds(name, day), expected, `end day ${day}, period ${name}`)
    // Consecutive periods tile time, whatever the end day: each starts where the one before ended.
    for (const day of [0, 1, 2, 15, 27, 28, 29, 30, 31]) {
      for (let month = 2; month <= 25; month++) {
        // Months counted from January 2027, across the leap year 2028.
        const name = (m: number) => `${2027 + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, '0')}`
        const cycle = { timeZone: 'America/New_York', cycleEndDay: day, cycleEndHour: 3 }
        const period = billingPeriod(name(month), cycle)
        assert.equal(period.start, billingPeriod(name(month - 1), cycle).end, `end day ${day}, ${period.name}`)
        assert.deepEqual(billingPeriodAt(period.start, cycle), period, `end day ${day}, ${period.name}`)
        assert.deepEqual(billingPeriodAt(period.end - 1, cycle), period, `end day ${day}, ${period.name}`)
      }
    }
  })

  it('a calendar-month cycle across daylight-saving changes keeps local midnights', () => {
    const march = billingPeriod('2026-03', { timeZone: 'America/New_York', cycleEndDay: 1, cycleEndHour: 0 })
    assert.deepEqual([iso(march.start), iso(march.end), march.days], ['2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z', 31])
  })

  it('reject malformed names and settings with what is wrong', () => {
    const cycle = { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }
    assert.throws(() => billingPeriod('2026-1', cycle), /billing period must look like 2026-11, got "2026-1"/)
    assert.throws(() => billingPeriod('2026-11', { ...cycle, timeZone: 'Mars/Olympus' }), /unknown time zone "Mars\/Olympus"/)
    assert.throws(() => billingPeriod('2026-11', { ...cycle, cycleEndHour: 24 }), /cycle end hour must be 0 to 23, got 24/)
  })
})
