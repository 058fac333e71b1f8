/**
 * Billing periods (DESIGN.md §1): `[start, end)` in the provider's billing time zone. The cycle end day `D`
 * and hour `H` say when a cycle ends: at hour `H` of day `D` (local time), the moment the next cycle begins,
 * as the old system built its period end from them. Day 1 and hour 0 is the calendar month; 0 means the
 * same as 1 ("when the month ends"); a day a month does not have ends its cycle when that month ends.
 * Period `YYYY-MM` is the cycle whose last day (the day before day `D`) falls in that month, so a calendar
 * month is named by itself.
 */
import { SimoptError } from './errors.js'
import { isTimeZone, localParts, zonedInstant } from './zoned-time.js'

export interface BillingCycle {
  /** IANA time zone the carrier bills in, e.g. `America/Chicago`. */
  readonly timeZone: string
  /**
   * Day of the month at whose hour `cycleEndHour` the cycle ends and the next begins (1-31); 0 or 1:
   * when the month ends. A day past a month's last day: when that month ends.
   */
  readonly cycleEndDay: number
  /** Hour of that day the cycle ends at (0-23), local time. */
  readonly cycleEndHour: number
}

export interface BillingPeriod {
  /** `YYYY-MM`, the month of the period's last day (the day before its end day). */
  readonly name: string
  /** Epoch milliseconds, inclusive. */
  readonly start: number
  /** Epoch milliseconds, exclusive. */
  readonly end: number
  /** Whole days the period lasts (what proration divides by). */
  readonly days: number
}

const DAY_MS = 86_400_000
const PERIOD_NAME = /^(\d{4})-(0[1-9]|1[0-2])$/

/** @throws SimoptError `INPUT_INVALID` when `name` is not `YYYY-MM` or the cycle's settings are out of range. */
export function billingPeriod(name: string, cycle: BillingCycle): BillingPeriod {
  const match = PERIOD_NAME.exec(name)
  if (match === null) throw new SimoptError('INPUT_INVALID', `billing period must look like 2026-11, got ${JSON.stringify(name)}`)
  checkCycle(cycle)
  const year = Number(match[1])
  const month = Number(match[2]) - 1
  // The cycle ending in `month` opens where the previous month's cycle closed.
  const start = cycleEnd(year, month - 1, cycle)
  const end = cycleEnd(year, month, cycle)
  return { name, start, end, days: Math.round((end - start) / DAY_MS) }
}

/** The period that contains instant `at`. */
export function billingPeriodAt(at: number, cycle: BillingCycle): BillingPeriod {
  const local = localParts(at, cycle.timeZone)
  for (const offset of [-1, 0, 1]) {
    const date = new Date(Date.UTC(local.year, local.month + offset, 1))
    const period = billingPeriod(`${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`, cycle)
    if (period.start <= at && at < period.end) return period
  }
  throw new SimoptError('INTERNAL', `no billing period contains ${new Date(at).toISOString()}`)
}

/** Whole days of `period` a SIM activated at `activatedAt` (epoch ms; undefined: before the period) was active. */
export function daysActiveIn(period: BillingPeriod, activatedAt: number | undefined): number {
  if (activatedAt === undefined || activatedAt <= period.start) return period.days
  if (activatedAt >= period.end) return 0
  return Math.min(period.days, Math.ceil((period.end - activatedAt) / DAY_MS))
}

function checkCycle(cycle: BillingCycle): void {
  if (!Number.isInteger(cycle.cycleEndDay) || cycle.cycleEndDay < 0 || cycle.cycleEndDay > 31) {
    throw new SimoptError('INPUT_INVALID', `cycle end day must be 0 to 31 (0 or 1: cycles end when the month ends), got ${cycle.cycleEndDay}`)
  }
  if (!Number.isInteger(cycle.cycleEndHour) || cycle.cycleEndHour < 0 || cycle.cycleEndHour > 23) {
    throw new SimoptError('INPUT_INVALID', `cycle end hour must be 0 to 23, got ${cycle.cycleEndHour}`)
  }
  if (!isTimeZone(cycle.timeZone)) throw new SimoptError('INPUT_INVALID', `unknown time zone ${JSON.stringify(cycle.timeZone)}`)
}

/** The instant the cycle whose last day is in `month` (0-based, may be out of range) ends. */
function cycleEnd(year: number, month: number, cycle: BillingCycle): number {
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  // Its last day is the day before the end day; without that day in the month, the month's last day.
  if (cycle.cycleEndDay <= 1 || cycle.cycleEndDay > daysInMonth) return zonedInstant(year, month + 1, 1, cycle.cycleEndHour, cycle.timeZone)
  return zonedInstant(year, month, cycle.cycleEndDay, cycle.cycleEndHour, cycle.timeZone)
}
