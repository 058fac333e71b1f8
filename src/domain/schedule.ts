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
 *
 * A tenant may opt into continuous runs on the last day (`continuousLastDay`, the old system's
 * `OptIntoContinuousLastDayOptimization`): from the start hour of the period's last billing day, a run is
 * due every hour (each one once the tenant's previous session has finished), so the changes pushed last
 * work from the latest usage. Every run has a slot, the key the schedule records it under: the local date
 * (`YYYY-MM-DD`) of a day's run, or the local date and hour with its offset (`YYYY-MM-DD HH:MM±HH:MM`) of a continuous one.
 */
import { billingPeriodAt, type BillingCycle } from './billing-period.js'
import { localDate, localMinute, localParts, zonedInstant } from './zoned-time.js'

const HOUR_MS = 3_600_000

export interface ScheduledProvider {
  readonly id: string
  readonly name: string
  readonly tenantId: string
  readonly tenant: string
  readonly cycle: BillingCycle
  /** Local hour (0-23) from which each day's run may start; undefined: the cycle end hour. */
  readonly startHour?: number
  /** The tenant runs every hour on the period's last day, not once. */
  readonly continuousLastDay?: boolean
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
  /** The local date (`YYYY-MM-DD`) of the run. */
  readonly day: string
  /** The run's key: `day`, or for a continuous run on the last day its local date and hour. */
  readonly slot: string
  /** When the run became (or becomes) due, epoch ms. */
  readonly dueAt: number
}

export type ScheduleDecision =
  | (DecisionBase & { readonly kind: 'start' })
  | (DecisionBase & { readonly kind: 'skip'; readonly reason: string })
  | (DecisionBase & { readonly kind: 'ran'; readonly sessionId: string })
  | (DecisionBase & { readonly kind: 'waiting' })

/** What the schedule does at `question.at`, one decision per provider, in the providers' order. */
export function scheduleAt(question: ScheduleQuestion): ScheduleDecision[] {
  const startingTenants = new Map<string, ScheduledProvider>()
  return question.providers.map((provider): ScheduleDecision => {
    const run = runOfDay(provider, question.at, question.days)
    const base = { provider, period: run.period, day: run.day, slot: run.slot, dueAt: run.dueAt }
    if (!run.due) return { ...base, kind: 'waiting' }
    const ran = question.sessions.find((s) => s.providerId === provider.id && s.createdAt >= run.dueAt && s.createdAt < run.slotEnd)
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
  readonly slot: string
  /** The run's moment: the start hour of the current scheduled day (or hour, when continuous), or of the next one. */
  readonly dueAt: number
  /** A session created in `[dueAt, slotEnd)` is the slot's run. */
  readonly slotEnd: number
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
      const dayRun = Math.max(dayStart, runMoment(k))
      const day = localDate(dayRun, cycle.timeZone)
      if (k === 1 && provider.continuousLastDay === true && at >= dayRun) {
        // Hourly from the day's run; the last slot ends with the period.
        const dueAt = dayRun + Math.floor((at - dayRun) / HOUR_MS) * HOUR_MS
        return { period: period.name, day, slot: localMinute(dueAt, cycle.timeZone), dueAt, slotEnd: Math.min(dueAt + HOUR_MS, dayEnd), due: true }
      }
      return { period: period.name, day, slot: day, dueAt: dayRun, slotEnd: dayEnd, due: at >= dayRun }
    }
  }
  // Before the window: the first scheduled day's run is next.
  const dueAt = Math.max(dayBoundary(windowDays), runMoment(windowDays))
  const day = localDate(dueAt, cycle.timeZone)
  return { period: period.name, day, slot: day, dueAt, slotEnd: dayBoundary(windowDays - 1), due: false }
}
