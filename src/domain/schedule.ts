/**
 * When scheduled sessions start (DESIGN.md §4): for each service provider, in its billing time zone, on each
 * of the last N days of the billing period, from the provider's start hour, a session starts unless one
 * started since that hour. A tenant runs one session at a time: a provider whose tenant has a session still
 * running, or another provider starting in the same tick, is skipped with the reason, and tried again at
 * the next tick.
 *
 * Days are the provider's billing days: they begin at the cycle end hour (local time), so the last day ends
 * exactly when the period does. The start hour (default: the cycle end hour) is the local hour within that
 * billing day from which the day's run may start. Days are wall-clock days in the time zone: a day with a
 * daylight-saving change lasts 23 or 25 hours.
 */
import { billingPeriodAt, type BillingCycle } from './billing-period.js'

export interface ScheduledProvider {
  readonly id: string
  readonly name: string
  readonly tenantId: string
  readonly tenant: string
  readonly cycle: BillingCycle
  /** Local hour (0-23) from which each day's run may start; undefined: the cycle end hour. */
  readonly startHour?: number
}

/** A session already recorded, as the schedule needs to know it. */
export interface SessionSeen {
  readonly id: string
  readonly tenantId: string
  readonly providerId: string
  /** Epoch ms. */
  readonly createdAt: number
  /** Not done, failed or cancelled yet. */
  readonly running: boolean
}

export interface ScheduleQuestion {
  /** The instant of the tick, epoch ms. */
  readonly at: number
  /** Scheduled days at the end of each period (`SIMOPT_SCHEDULE_DAYS`). */
  readonly days: number
  /** In the order they are considered: of two providers of one tenant due at once, the first starts. */
  readonly providers: readonly ScheduledProvider[]
  /** Every running session, and the sessions of the current billing days (older ones may be left out). */
  readonly sessions: readonly SessionSeen[]
}

interface DecisionBase {
  readonly provider: ScheduledProvider
  /** The billing period the run is for, `YYYY-MM`. */
  readonly period: string
}

/** `day` is the local date (`YYYY-MM-DD`) of the day's run; `dueAt` when it became (or becomes) due. */
export type ScheduleDecision =
  | (DecisionBase & { readonly kind: 'start'; readonly day: string; readonly dueAt: number })
  | (DecisionBase & { readonly kind: 'skip'; readonly day: string; readonly dueAt: number; readonly reason: string })
  | (DecisionBase & { readonly kind: 'ran'; readonly day: string; readonly dueAt: number; readonly sessionId: string })
  | (DecisionBase & { readonly kind: 'waiting'; readonly day: string; readonly dueAt: number })

/** What the schedule does at `question.at`, one decision per provider, in the providers' order. */
export function scheduleAt(question: ScheduleQuestion): ScheduleDecision[] {
  const startingTenants = new Map<string, ScheduledProvider>()
  return question.providers.map((provider): ScheduleDecision => {
    const run = runOfDay(provider, question.at, question.days)
    const base = { provider, period: run.period, day: run.day, dueAt: run.dueAt }
    if (!run.due) return { ...base, kind: 'waiting' }
    const ran = question.sessions.find((s) => s.providerId === provider.id && s.createdAt >= run.dueAt && s.createdAt < run.dayEnd)
    if (ran !== undefined) return { ...base, kind: 'ran', sessionId: ran.id }
    const running = question.sessions.find((s) => s.tenantId === provider.tenantId && s.running)
    if (running !== undefined) return { ...base, kind: 'skip', reason: `session ${running.id} of tenant ${provider.tenant} is still running` }
    const first = startingTenants.get(provider.tenantId)
    if (first !== undefined) return { ...base, kind: 'skip', reason: `provider ${first.name} of tenant ${provider.tenant} starts first (one session per tenant at a time)` }
    startingTenants.set(provider.tenantId, provider)
    return { ...base, kind: 'start' }
  })
}

interface DayRun {
  readonly period: string
  readonly day: string
  /** The run's moment: the start hour of the current scheduled day, or of the next one when not in one. */
  readonly dueAt: number
  readonly dayEnd: number
  readonly due: boolean
}

/** The scheduled day `at` falls in, or the next one (at the period's last days) when it falls in none. */
function runOfDay(provider: ScheduledProvider, at: number, days: number): DayRun {
  const { cycle } = provider
  const period = billingPeriodAt(at, cycle)
  const end = localParts(period.end, cycle.timeZone)
  const startHour = provider.startHour ?? cycle.cycleEndHour
  // Billing day k (1 = the last) runs from the cycle end hour k days before the period's end to the next.
  const dayBoundary = (k: number): number => (k === 0 ? period.end : Math.max(period.start, zonedInstant(end.year, end.month, end.day - k, cycle.cycleEndHour, cycle.timeZone)))
  // The start hour falls on the billing day's first date, or, when earlier than the end hour, on its second.
  const runMoment = (k: number): number =>
    zonedInstant(end.year, end.month, end.day - k + (startHour < cycle.cycleEndHour ? 1 : 0), startHour, cycle.timeZone)
  const windowDays = Math.min(days, period.days)
  for (let k = 1; k <= windowDays; k++) {
    const dayStart = dayBoundary(k)
    const dayEnd = dayBoundary(k - 1)
    if (dayStart <= at && at < dayEnd) {
      const dueAt = Math.max(dayStart, runMoment(k))
      return { period: period.name, day: localDate(dueAt, cycle.timeZone), dueAt, dayEnd, due: at >= dueAt }
    }
  }
  // Before the window: the first scheduled day's run is next.
  const dueAt = Math.max(dayBoundary(windowDays), runMoment(windowDays))
  return { period: period.name, day: localDate(dueAt, cycle.timeZone), dueAt, dayEnd: dayBoundary(windowDays - 1), due: false }
}

/**
 * The instant whose wall-clock time in `timeZone` is the one given (day may be out of the month's range).
 * A time repeated by a daylight-saving change is its later instant (as `billing-period.ts` takes it); a
 * time skipped by one is the end of the gap.
 */
function zonedInstant(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wall = Date.UTC(year, month, day, hour)
  const first = wall - offsetAt(wall, timeZone)
  const second = wall - offsetAt(first, timeZone)
  const matches = [first, second].filter((candidate) => candidate + offsetAt(candidate, timeZone) === wall)
  // No match: the hour does not exist that day; the gap ends at the later candidate.
  return matches.length === 0 ? Math.max(first, second) : Math.max(...matches)
}

function offsetAt(at: number, timeZone: string): number {
  const p = localParts(at, timeZone)
  return Date.UTC(p.year, p.month, p.day, p.hour, p.minute) - Math.floor(at / 60_000) * 60_000
}

function localDate(at: number, timeZone: string): string {
  const p = localParts(at, timeZone)
  return `${p.year}-${String(p.month + 1).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function localParts(at: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  let format = formatters.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
    formatters.set(timeZone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]))
  return { year: Number(parts.year), month: Number(parts.month) - 1, day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute) }
}
