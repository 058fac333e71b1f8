/**
 * The operator's upkeep: the audit log of rate plan changes, backups and restores of the whole database,
 * and removing old history (at once, or by queueing the daily cleanup job the workers then repeat).
 */
import type { Job } from '../jobs/job.js'
import { ensureDailyCleanup } from '../jobs/stages/cleanup.js'
import { auditEntries, backupDatabase, backupKind, removeOldRecords, restoreDatabase, retentionDaysMs, type BackupFacts, type RetentionCounts } from '../store/index.js'
import type { ServiceContext } from './context.js'

/** The latest `limit` entries (default 200), oldest first, of one session or SIM or all. */
export async function auditLog(ctx: ServiceContext, filter: { readonly sessionId?: string | undefined; readonly iccid?: string | undefined; readonly limit: number }) {
  return auditEntries(ctx.store.db, filter)
}

/** Writes the whole database to `file` while the service runs (SQLite's online backup, or pg_dump). */
export async function backUp(ctx: ServiceContext, file: string): Promise<BackupFacts> {
  return backupDatabase(ctx.store, file)
}

/** @throws SimoptError `INPUT_INVALID` for a missing file or one no backup of simopt's; checked before the database is opened. */
export async function checkBackupFile(file: string): Promise<void> {
  await backupKind(file)
}

/** Replaces the database with the backup in `file` (workers and serve stopped first). */
export async function restore(ctx: ServiceContext, file: string): Promise<void> {
  await restoreDatabase(ctx.store, file)
}

/** Removes the history older than `olderThanMs` (default: SIMOPT_RETENTION_DAYS) in batches; says how many rows went from each table. */
export async function removeOldHistory(ctx: ServiceContext, input: { readonly olderThanMs?: number | undefined; readonly batchRows: number }): Promise<RetentionCounts> {
  return removeOldRecords(ctx.store, { olderThanMs: input.olderThanMs ?? retentionDaysMs(ctx.config.retentionDays), batchRows: input.batchRows })
}

/** Queues the daily cleanup job unless it is queued already; gives the jobs queued (none or one). */
export async function queueDailyCleanup(ctx: ServiceContext): Promise<Job[]> {
  const jobs = await ensureDailyCleanup(ctx.store.db)
  await ctx.queue().publish(jobs)
  return jobs
}
