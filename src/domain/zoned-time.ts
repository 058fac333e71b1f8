/**
 * Wall-clock time in an IANA time zone, with no library: the billing period and the schedule both reason
 * in the carrier's billing time zone, across daylight-saving changes.
 */

export interface LocalParts {
  readonly year: number
  /** 0-based, as `Date.UTC` takes it. */
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
}

/**
 * The instant whose wall-clock time in `timeZone` is the one given (`day` and `month` may be out of range,
 * as `Date.UTC` allows). A time a daylight-saving change repeats is its later instant; a time one skips
 * is the end of the gap (the first instant that exists after it).
 */
export function zonedInstant(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const wall = Date.UTC(year, month, day, hour)
  // The zone's offsets a day before and a day after: a change near `wall` lies between them (none is a
  // day apart from another anywhere), so the two offsets give every instant that can show `wall`.
  const candidates = [wall - offsetAt(wall - DAY_MS, timeZone), wall - offsetAt(wall + DAY_MS, timeZone)]
  const matches = candidates.filter((candidate) => candidate + offsetAt(candidate, timeZone) === wall)
  return Math.max(...(matches.length === 0 ? candidates : matches))
}

/** The local date of `at` in `timeZone`, `YYYY-MM-DD`. */
export function localDate(at: number, timeZone: string): string {
  const p = localParts(at, timeZone)
  return `${p.year}-${pad(p.month + 1)}-${pad(p.day)}`
}

/**
 * The local date and time of `at` in `timeZone` with the zone's offset, `YYYY-MM-DD HH:MM±HH:MM`: the
 * offset tells apart the two instants of an hour a daylight-saving change repeats.
 */
export function localMinute(at: number, timeZone: string): string {
  const p = localParts(at, timeZone)
  const offsetMinutes = offsetAt(at, timeZone) / 60_000
  const offset = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`
  return `${p.year}-${pad(p.month + 1)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}${offset}`
}

/** @returns false when `timeZone` is not a zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

export function localParts(at: number, timeZone: string): LocalParts {
  let format = formatters.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
    formatters.set(timeZone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]))
  return { year: Number(parts.year), month: Number(parts.month) - 1, day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute) }
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms (to the minute). */
function offsetAt(at: number, timeZone: string): number {
  const p = localParts(at, timeZone)
  return Date.UTC(p.year, p.month, p.day, p.hour, p.minute) - Math.floor(at / 60_000) * 60_000
}

const DAY_MS = 86_400_000

// Building a formatter costs far more than using one; billing runs ask for the same few zones.
const formatters = new Map<string, Intl.DateTimeFormat>()

const pad = (n: number): string => String(n).padStart(2, '0')
