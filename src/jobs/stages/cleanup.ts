/**
 * The daily cleanup job: removes history older than `SIMOPT_RETENTION_DAYS` (`store/retention.ts`), then
 * queues itself for the next day. Its entity is its UTC day, so each day's job is one job on either queue
 * however often it is queued. It belongs to no session (`detached`); when its attempts are spent it still
 * queues the next day's, so one bad day never ends the chain.
 */
import { hasUnfinishedJob, jobExists, removeOldRecords, retentionDaysMs, RETENTION_TABLES, type Db } from '../../store/index.js'
import { recordJobs } from '../job-log.js'
import { job, type Job } from '../job.js'
import type { Stage } from '../stage.js'

const DAY_MS = 86_400_000
/** Hour of the day (UTC) the job runs: a quiet hour for most of the world's carriers' customers. */
const RUN_HOUR_UTC = 3

export const cleanup: Stage = {
  type: 'cleanup',
  sessionOf: async () => undefined,
  detached: {
    attempts: () => 3,
    firstRetryMs: () => 60_000,
    failed: async (trx, day) => recordJobs(trx, [nextCleanupJob(day, Date.now())]),
  },
  async run(day, { store, config, commit, log }) {
    const counts = await removeOldRecords(store, { olderThanMs: retentionDaysMs(config.retentionDays) })
    if (RETENTION_TABLES.some((table) => counts[table] > 0)) log.info({ day, removed: counts, olderThanDays: config.retentionDays }, 'cleanup removed old records')
    await commit(async () => [nextCleanupJob(day, Date.now())])
  },
}

/** The cleanup job of UTC day `day` (`YYYY-MM-DD`), due at the run hour of that day (delayed from `now`). */
export function cleanupJobFor(day: string, now: number): Job {
  const dueAt = Date.parse(`${day}T00:00:00Z`) + RUN_HOUR_UTC * 3_600_000
  return job('cleanup', day, undefined, Math.max(0, dueAt - now))
}

/**
 * The job of the day after `day`; when that day's run hour has passed already (the workers were down), the
 * next run hour to come: missed days are not made up one by one.
 */
export function nextCleanupJob(day: string, now: number): Job {
  const runHourMs = RUN_HOUR_UTC * 3_600_000
  const todayRun = Date.parse(`${utcDay(now)}T00:00:00Z`) + runHourMs
  const nextToCome = todayRun >= now ? todayRun : todayRun + DAY_MS
  const dayAfter = Date.parse(`${day}T00:00:00Z`) + DAY_MS + runHourMs
  return cleanupJobFor(utcDay(Math.max(dayAfter, nextToCome)), now)
}

/**
 * Starts the daily chain if it is not running: records today's job (tomorrow's, when today's has run) unless
 * a cleanup job is already waiting. Returns the jobs to publish (none when the chain runs). Safe to call at
 * every start of a worker.
 */
export async function ensureDailyCleanup(db: Db, now = Date.now()): Promise<Job[]> {
  if (await hasUnfinishedJob(db, 'cleanup')) return []
  const today = utcDay(now)
  const ranToday = await jobExists(db, cleanupJobFor(today, now).id)
  const first = ranToday ? nextCleanupJob(today, now) : cleanupJobFor(today, now)
  await recordJobs(db, [first])
  return [first]
}

const utcDay = (at: number): string => new Date(at).toISOString().slice(0, 10)
