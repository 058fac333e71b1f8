import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { scheduleAt, type BillingCycle, type ScheduleDecision, type ScheduledProvider, type SessionSeen } from '../../src/domain/index.js'

function provider(cycle: Partial<BillingCycle> = {}, more: Partial<ScheduledProvider> = {}): ScheduledProvider {
  return { id: 'p', name: 'main', tenantId: 't', tenant: 'acme', cycle: { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0, ...cycle }, ...more }
}

function decide(at: string, providers: readonly ScheduledProvider[], sessions: readonly SessionSeen[] = [], days = 8): ScheduleDecision[] {
  return scheduleAt({ at: Date.parse(at), days, providers, sessions })
}

/** The one provider's decision, reduced to what the tests compare. */
function one(at: string, p: ScheduledProvider, sessions: readonly SessionSeen[] = [], days = 8): { kind: string; period: string; day: string; dueAt: string } {
  const [decision] = decide(at, [p], sessions, days)
  assert.ok(decision)
  return { kind: decision.kind, period: decision.period, day: decision.day, dueAt: new Date(decision.dueAt).toISOString() }
}

const session = (id: string, createdAt: string, running: boolean, more: Partial<SessionSeen> = {}): SessionSeen => ({ id, tenantId: 't', providerId: 'p', createdAt: Date.parse(createdAt), running, ...more })

describe('the schedule', () => {
  it('runs on each of the last N days of a month-end period, from the start of each day (UTC)', () => {
    const p = provider()
    assert.deepEqual(one('2026-11-22T23:59:59Z', p), { kind: 'waiting', period: '2026-11', day: '2026-11-23', dueAt: '2026-11-23T00:00:00.000Z' })
    assert.deepEqual(one('2026-11-23T00:00:00Z', p), { kind: 'start', period: '2026-11', day: '2026-11-23', dueAt: '2026-11-23T00:00:00.000Z' })
    assert.deepEqual(one('2026-11-30T23:59:59Z', p), { kind: 'start', period: '2026-11', day: '2026-11-30', dueAt: '2026-11-30T00:00:00.000Z' })
    // The next period has 31 days: its last 8 begin on the 24th.
    assert.deepEqual(one('2026-12-01T00:00:00Z', p), { kind: 'waiting', period: '2026-12', day: '2026-12-24', dueAt: '2026-12-24T00:00:00.000Z' })
    assert.equal(one('2026-11-25T12:00:00Z', p, [], 3).kind, 'waiting', 'SIMOPT_SCHEDULE_DAYS=3: the 28th to the 30th')
    assert.equal(one('2026-11-28T00:00:00Z', p, [], 3).kind, 'start')
  })

  it('ends February with the month, in leap years too, and covers a whole short period when N is longer', () => {
    const p = provider()
    assert.deepEqual(one('2027-02-20T23:00:00Z', p), { kind: 'waiting', period: '2027-02', day: '2027-02-21', dueAt: '2027-02-21T00:00:00.000Z' })
    assert.equal(one('2027-02-21T00:00:00Z', p).kind, 'start')
    assert.deepEqual(one('2028-02-21T12:00:00Z', p), { kind: 'waiting', period: '2028-02', day: '2028-02-22', dueAt: '2028-02-22T00:00:00.000Z' })
    assert.deepEqual(one('2028-02-29T12:00:00Z', p), { kind: 'start', period: '2028-02', day: '2028-02-29', dueAt: '2028-02-29T00:00:00.000Z' })
    assert.deepEqual(one('2027-02-01T00:00:00Z', p, [], 31), { kind: 'start', period: '2027-02', day: '2027-02-01', dueAt: '2027-02-01T00:00:00.000Z' })
  })

  it('runs on the last days of a calendar-month cycle that ends on day 1 at hour 0, named by its month', () => {
    const p = provider({ cycleEndDay: 1, cycleEndHour: 0 })
    assert.deepEqual(one('2026-12-06T12:00:00Z', p), { kind: 'waiting', period: '2026-12', day: '2026-12-24', dueAt: '2026-12-24T00:00:00.000Z' })
    assert.deepEqual(one('2026-12-31T23:00:00Z', p), { kind: 'start', period: '2026-12', day: '2026-12-31', dueAt: '2026-12-31T00:00:00.000Z' })
    assert.equal(one('2027-01-01T00:00:00Z', p).period, '2027-01')
    // In a zone with daylight saving, the last day of March is local, after the change.
    const newYork = provider({ timeZone: 'America/New_York', cycleEndDay: 1, cycleEndHour: 0 })
    assert.deepEqual(one('2026-03-31T04:00:00Z', newYork), { kind: 'start', period: '2026-03', day: '2026-03-31', dueAt: '2026-03-31T04:00:00.000Z' })
    assert.equal(one('2026-04-01T04:00:00Z', newYork).period, '2026-04')
  })

  it('counts days in the billing time zone', () => {
    const chicago = provider({ timeZone: 'America/Chicago' })
    assert.deepEqual(one('2026-11-23T05:59:00Z', chicago), { kind: 'waiting', period: '2026-11', day: '2026-11-23', dueAt: '2026-11-23T06:00:00.000Z' })
    assert.equal(one('2026-11-23T06:00:00Z', chicago).kind, 'start')
    // Late on 30 November in Chicago is 1 December in UTC: still November's last day there.
    assert.deepEqual(one('2026-12-01T05:00:00Z', chicago), { kind: 'start', period: '2026-11', day: '2026-11-30', dueAt: '2026-11-30T06:00:00.000Z' })
    const tokyo = provider({ timeZone: 'Asia/Tokyo' })
    assert.deepEqual(one('2026-11-22T15:00:00Z', tokyo), { kind: 'start', period: '2026-11', day: '2026-11-23', dueAt: '2026-11-22T15:00:00.000Z' })
    assert.equal(one('2026-11-30T15:00:00Z', tokyo).period, '2026-12', 'midnight of 1 December in Tokyo opens the next period')
  })

  it('starts from the start hour, which falls in the billing day that ends at the cycle end hour', () => {
    const nine = provider({}, { startHour: 9 })
    assert.deepEqual(one('2026-11-25T08:59:00Z', nine), { kind: 'waiting', period: '2026-11', day: '2026-11-25', dueAt: '2026-11-25T09:00:00.000Z' })
    assert.equal(one('2026-11-25T09:00:00Z', nine).kind, 'start')
    // A session before the start hour is not the day's run; one after it is.
    assert.equal(one('2026-11-25T10:00:00Z', nine, [session('early', '2026-11-25T03:00:00Z', false)]).kind, 'start')
    assert.equal(one('2026-11-25T10:00:00Z', nine, [session('s', '2026-11-25T09:30:00Z', false)]).kind, 'ran')

    // Cycle ends on the 16th at 18:00: billing days run 18:00 to 18:00, and a start hour of 6 is the next morning.
    const evening = provider({ cycleEndDay: 16, cycleEndHour: 18 }, { startHour: 6 })
    assert.deepEqual(one('2026-11-09T05:00:00Z', evening), { kind: 'waiting', period: '2026-11', day: '2026-11-09', dueAt: '2026-11-09T06:00:00.000Z' })
    assert.deepEqual(one('2026-11-16T06:00:00Z', evening), { kind: 'start', period: '2026-11', day: '2026-11-16', dueAt: '2026-11-16T06:00:00.000Z' })
    assert.equal(one('2026-11-16T17:59:00Z', evening).kind, 'start')
    assert.equal(one('2026-11-16T18:00:00Z', evening).period, '2026-12')
    // Without a start hour of its own, a day's run is due when the billing day begins.
    assert.deepEqual(one('2026-11-15T18:00:00Z', provider({ cycleEndDay: 16, cycleEndHour: 18 })), { kind: 'start', period: '2026-11', day: '2026-11-15', dueAt: '2026-11-15T18:00:00.000Z' })
  })

  it('follows daylight-saving changes: a 25-hour day in autumn, a start hour that does not exist in spring', () => {
    const berlin = provider({ timeZone: 'Europe/Berlin' })
    assert.deepEqual(one('2026-10-23T21:59:00Z', berlin), { kind: 'waiting', period: '2026-10', day: '2026-10-24', dueAt: '2026-10-23T22:00:00.000Z' })
    // 25 October lasts 25 hours: a run at its first minute (22:00 UTC, summer time) covers it until 23:00 UTC.
    const ran = [session('s25', '2026-10-24T22:00:00Z', false)]
    assert.equal(one('2026-10-25T22:30:00Z', berlin, ran).kind, 'ran')
    assert.deepEqual(one('2026-10-25T23:00:00Z', berlin, ran), { kind: 'start', period: '2026-10', day: '2026-10-26', dueAt: '2026-10-25T23:00:00.000Z' })

    // New York springs forward at 02:00 on 8 March 2026: a start hour of 2 is then 03:00 daylight time.
    const newYork = provider({ timeZone: 'America/New_York', cycleEndDay: 11 }, { startHour: 2 })
    assert.deepEqual(one('2026-03-08T06:59:00Z', newYork), { kind: 'waiting', period: '2026-03', day: '2026-03-08', dueAt: '2026-03-08T07:00:00.000Z' })
    assert.equal(one('2026-03-08T07:00:00Z', newYork).kind, 'start')
    assert.deepEqual(one('2026-03-09T06:00:00Z', newYork), { kind: 'start', period: '2026-03', day: '2026-03-09', dueAt: '2026-03-09T06:00:00.000Z' })
    assert.deepEqual(one('2026-03-07T06:59:00Z', newYork), { kind: 'waiting', period: '2026-03', day: '2026-03-07', dueAt: '2026-03-07T07:00:00.000Z' })
  })

  it('runs one session per tenant at a time and says why it skips', () => {
    const first = provider({}, { id: 'p1', name: 'att' })
    const second = provider({}, { id: 'p2', name: 'vzw' })
    const other = provider({}, { id: 'p3', name: 'main', tenantId: 'u', tenant: 'beta' })
    const at = '2026-11-25T12:00:00Z'
    const both = decide(at, [first, second, other])
    assert.deepEqual(both.map((d) => d.kind), ['start', 'skip', 'start'])
    assert.equal(both[1]!.kind === 'skip' && both[1]!.reason, 'provider att of tenant acme starts first (one session per tenant at a time)')

    const running = session('s1', '2026-11-20T12:00:00Z', true, { providerId: 'p2' })
    const busy = decide(at, [first, second, other], [running])
    assert.deepEqual(busy.map((d) => d.kind), ['skip', 'skip', 'start'])
    assert.equal(busy[0]!.kind === 'skip' && busy[0]!.reason, 'session s1 of tenant acme is still running')

    // Once the running session has ended, the next tick starts the day's run.
    assert.deepEqual(decide(at, [first], [{ ...running, running: false }]).map((d) => d.kind), ['start'])
    // A provider that ran today is done for the day, whatever runs elsewhere.
    const today = session('s2', '2026-11-25T01:00:00Z', false, { providerId: 'p1' })
    const ranDecision = decide(at, [first, second], [today, running])
    assert.deepEqual(ranDecision.map((d) => d.kind), ['ran', 'skip'])
    assert.equal(ranDecision[0]!.kind === 'ran' && ranDecision[0]!.sessionId, 's2')
  })

  it('runs every hour of the last day from the start hour for a tenant with continuous runs, once a day before', () => {
    const continuous = provider({ timeZone: 'America/Chicago' }, { startHour: 8, continuousLastDay: true })
    const slotOf = (at: string, sessions: readonly SessionSeen[] = []) => {
      const [d] = decide(at, [continuous], sessions)
      return { kind: d!.kind, day: d!.day, slot: d!.slot, dueAt: new Date(d!.dueAt).toISOString() }
    }
    // The day before the last: one run, its slot the date.
    assert.deepEqual(slotOf('2026-11-29T15:00:00Z'), { kind: 'start', day: '2026-11-29', slot: '2026-11-29', dueAt: '2026-11-29T14:00:00.000Z' })
    // 30 November in Chicago (UTC-6): before 08:00 it waits; from 08:00 each hour is a slot of its own.
    assert.deepEqual(slotOf('2026-11-30T13:59:00Z'), { kind: 'waiting', day: '2026-11-30', slot: '2026-11-30', dueAt: '2026-11-30T14:00:00.000Z' })
    assert.deepEqual(slotOf('2026-11-30T14:00:00Z'), { kind: 'start', day: '2026-11-30', slot: '2026-11-30 08:00-06:00', dueAt: '2026-11-30T14:00:00.000Z' })
    const atNine = [session('s9', '2026-11-30T15:05:00Z', false)]
    assert.deepEqual(slotOf('2026-11-30T15:40:00Z', atNine), { kind: 'ran', day: '2026-11-30', slot: '2026-11-30 09:00-06:00', dueAt: '2026-11-30T15:00:00.000Z' })
    assert.deepEqual(slotOf('2026-11-30T16:00:00Z', atNine), { kind: 'start', day: '2026-11-30', slot: '2026-11-30 10:00-06:00', dueAt: '2026-11-30T16:00:00.000Z' })
    // The last slot of the period is 23:00 local; a still running session holds the next hour back.
    assert.deepEqual(slotOf('2026-12-01T05:59:00Z'), { kind: 'start', day: '2026-11-30', slot: '2026-11-30 23:00-06:00', dueAt: '2026-12-01T05:00:00.000Z' })
    const busy = decide('2026-11-30T17:10:00Z', [continuous], [session('long', '2026-11-30T16:00:00Z', true)])
    assert.equal(busy[0]!.kind === 'skip' && busy[0]!.reason, 'session long of tenant acme is still running')
    // Without the setting the last day has one run like the others.
    assert.deepEqual(decide('2026-11-30T16:00:00Z', [provider({ timeZone: 'America/Chicago' }, { startHour: 8 })], atNine).map((d) => [d.kind, d.slot]), [['ran', '2026-11-30']])
  })

  it('keeps apart the two continuous runs of an hour the autumn change repeats on the last day', () => {
    // Chicago's clocks go back at 02:00 on 1 November 2026, the last day of a cycle ending as the 2nd begins.
    const continuous = provider({ timeZone: 'America/Chicago', cycleEndDay: 2 }, { startHour: 0, continuousLastDay: true })
    const first = [session('first', '2026-11-01T06:10:00Z', false)]
    const slotAt = (at: string) => decide(at, [continuous], first).map((d) => [d.kind, d.slot])[0]
    assert.deepEqual(slotAt('2026-11-01T06:30:00Z'), ['ran', '2026-11-01 01:00-05:00'])
    assert.deepEqual(slotAt('2026-11-01T07:30:00Z'), ['start', '2026-11-01 01:00-06:00'])
    assert.deepEqual(slotAt('2026-11-01T08:30:00Z'), ['start', '2026-11-01 02:00-06:00'])
  })
})
