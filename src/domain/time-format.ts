/**
 * Times as people read them, in the tenant's time zone (its `timeZone` setting, UTC by default): the one
 * place that turns an instant into text for the terminal, the e-mail and the workbook. Built on
 * `zoned-time.ts`.
 */
import { localMinute, localParts } from './zoned-time.js'

/** Times are shown in UTC unless the tenant's `timeZone` setting says otherwise. */
export const DEFAULT_TIME_ZONE = 'UTC'

/**
 * `2026-12-07 05:52 UTC`, or `2026-12-07 06:52+01:00 Europe/Berlin`: the local minute in `timeZone`, the
 * offset telling apart the two instants of an hour a daylight-saving change repeats, and the zone's name.
 */
export function formatTime(at: number, timeZone: string = DEFAULT_TIME_ZONE): string {
  const local = localMinute(at, timeZone)
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' ? `${local.slice(0, -'+00:00'.length)} UTC` : `${local} ${timeZone}`
}

/**
 * The instant whose UTC reading is `at`'s wall-clock time in `timeZone`, to the second: a spreadsheet's dates
 * have no time zone, so a workbook writes this and names the zone in the heading.
 */
export function wallClockDate(at: number, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const p = localParts(at, timeZone)
  return new Date(Date.UTC(p.year, p.month, p.day, p.hour, p.minute) + (at % 60_000 + 60_000) % 60_000)
}
