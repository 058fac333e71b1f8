/**
 * Usage projection (DESIGN.md §2): a SIM's cycle-to-date usage extrapolated to the end of the period,
 * so that the plan chosen before the cycle closes fits the usage the bill will show.
 */
import { INACTIVE_STATUSES, type DeviceStatus } from './device.js'

export interface ProjectionSettings {
  /** Off: usage is priced as it stands. */
  readonly enabled: boolean
  /** Extra share added to every projection, e.g. 0.01 for 1%. */
  readonly cushion: number
}

export const DEFAULT_PROJECTION: ProjectionSettings = { enabled: true, cushion: 0.01 }

const ONE_HOUR_MS = 3_600_000

export interface UsageReading {
  readonly usageMb: number
  readonly status: DeviceStatus
  /** When the carrier measured the usage, epoch milliseconds; undefined when it did not say. */
  readonly measuredAt: number | undefined
}

/** A billing period `[start, end)` in epoch milliseconds. */
export interface PeriodBounds {
  readonly start: number
  readonly end: number
}

/**
 * Usage expected at the end of `period`: `u · T / τ · (1 + cushion)` where `τ` is the time elapsed at the
 * reading. The reading is returned unchanged when projecting would guess rather than extrapolate:
 * inactive SIMs, readings without a time or outside the period, less than an hour into the period, or
 * a period that has already ended at `now`.
 */
export function projectUsage(
  reading: UsageReading,
  period: PeriodBounds,
  now: number,
  settings: ProjectionSettings = DEFAULT_PROJECTION,
): number {
  const { usageMb, status, measuredAt } = reading
  if (!settings.enabled) return usageMb
  if (INACTIVE_STATUSES.includes(status)) return usageMb
  if (measuredAt === undefined || measuredAt < period.start || measuredAt >= period.end) return usageMb
  if (now >= period.end) return usageMb
  const elapsed = measuredAt - period.start
  if (elapsed < ONE_HOUR_MS) return usageMb
  return ((usageMb * (period.end - period.start)) / elapsed) * (1 + settings.cushion)
}
