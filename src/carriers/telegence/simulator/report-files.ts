/**
 * The report files the simulated carrier drops in its SFTP folder, in the formats of feed-format.ts. Each
 * file is written under a temporary name and renamed, so that a reader never downloads half of one.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { feedBytes } from '../feed/feed-archive.js'
import { dailyFileName, dataFileName, finalFileName, formatFeedCsv } from '../feed/feed-format.js'
import type { SimulatedFan } from './simulated-fan.js'

const HOUR_MS = 3_600_000
/** Daily exports are made at 06:00 UTC, data files every 3 hours (the old system's cadence, platform_flows.md §4). */
export const DAILY_EXPORT_HOUR = 6
export const DATA_EVERY_MS = 3 * HOUR_MS

export class ReportFiles {
  constructor(
    readonly folder: string,
    readonly fan: SimulatedFan,
  ) {}

  /** The daily full export as of `at` (to the minute: names count minutes); returns its name. */
  async daily(at: number): Promise<string> {
    const minute = toMinute(at)
    return this.#write(dailyFileName(this.fan.fan, minute), formatFeedCsv(this.fan.usageLines(minute)))
  }

  /** A data file as of `at` (to the minute); returns its name. */
  async data(at: number): Promise<string> {
    const minute = toMinute(at)
    return this.#write(dataFileName(this.fan.fan, minute), formatFeedCsv(this.fan.usageLines(minute)))
  }

  /** The final file of period `name` (`2026-11`); returns its name. */
  async final(name: string): Promise<string> {
    return this.#write(finalFileName(this.fan.fan, name), formatFeedCsv(this.fan.finalLines(name)))
  }

  /**
   * What the folder would hold at `now`: the last cycle's final file, the last daily export of this cycle,
   * and the data files since it. Returns the names written.
   */
  async history(now: number): Promise<string[]> {
    const cycle = this.fan.cycleAt(now)
    const previous = this.fan.cycleAt(cycle.start - 1)
    const names = [await this.final(previous.name)]
    const day = new Date(now)
    let daily = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), DAILY_EXPORT_HOUR)
    if (daily > now) daily -= 24 * HOUR_MS
    if (daily >= cycle.start) names.push(await this.daily(daily))
    for (let at = Math.max(daily, cycle.start) + DATA_EVERY_MS; at <= now; at += DATA_EVERY_MS) names.push(await this.data(at))
    return names
  }

  async #write(name: string, csv: string): Promise<string> {
    await mkdir(this.folder, { recursive: true })
    const target = path.join(this.folder, name)
    await writeFile(`${target}.part`, await feedBytes(name, csv))
    await rename(`${target}.part`, target)
    return name
  }
}

function toMinute(at: number): number {
  return Math.floor(at / 60_000) * 60_000
}
