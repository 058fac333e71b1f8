/**
 * A provider's usage feed (Telegence's SFTP report files): the files downloaded so far, what became of
 * each, the stale-feed warning last sent, and the lookups loading a file needs (the provider's ICCIDs, the
 * time each reading was measured at).
 */
import type { Db } from './database.js'
import type { UsageFeedFileTable } from './schema.js'

/** Rows per statement: SQLite allows 32,766 parameters a statement, PostgreSQL 65,535. */
const CHUNK = 2000

export type FeedFileRecord = Omit<UsageFeedFileTable, 'provider_id'>

/** Names of the files downloaded for the provider, with their as-of times. */
export async function downloadedFeedFiles(db: Db, providerId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('usage_feed_files').select(['name', 'as_of']).where('provider_id', '=', providerId).execute()
  return new Map(rows.map((row) => [row.name, row.as_of]))
}

/** Records a downloaded file (in the transaction that stores its readings: downloaded once means loaded once). */
export async function recordFeedFile(db: Db, providerId: string, file: FeedFileRecord): Promise<void> {
  await db.insertInto('usage_feed_files').values({ provider_id: providerId, ...file }).execute()
}

/** The provider's files as downloaded, oldest first. */
export async function feedFiles(db: Db, providerId: string): Promise<FeedFileRecord[]> {
  return db.selectFrom('usage_feed_files').select(['name', 'kind', 'as_of', 'size', 'downloaded_at', 'outcome', 'lines', 'loaded', 'note']).where('provider_id', '=', providerId).orderBy('as_of').orderBy('name').execute()
}

/** The ICCIDs of the provider's devices. */
export async function providerIccids(db: Db, providerId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('devices').select('iccid').where('provider_id', '=', providerId).execute()
  return new Set(rows.map((row) => row.iccid))
}

/** When each of `iccids`' readings of the period was measured (epoch ms); devices without a reading are absent. */
export async function readingsMeasuredAt(db: Db, periodId: string, iccids: readonly string[]): Promise<Map<string, number>> {
  const measured = new Map<string, number>()
  for (let from = 0; from < iccids.length; from += CHUNK) {
    const rows = await db
      .selectFrom('usage_readings')
      .select(['iccid', 'measured_at'])
      .where('period_id', '=', periodId)
      .where('iccid', 'in', iccids.slice(from, from + CHUNK))
      .execute()
    for (const row of rows) if (row.measured_at !== null) measured.set(row.iccid, row.measured_at)
  }
  return measured
}

/** The newest file a stale-feed warning was sent for; `undefined` when none was. */
export async function feedWarning(db: Db, providerId: string): Promise<{ newestAsOf: number; warnedAt: number } | undefined> {
  const row = await db.selectFrom('usage_feed_warnings').select(['newest_as_of', 'warned_at']).where('provider_id', '=', providerId).executeTakeFirst()
  return row === undefined ? undefined : { newestAsOf: row.newest_as_of, warnedAt: row.warned_at }
}

export async function recordFeedWarning(db: Db, providerId: string, newestAsOf: number, warnedAt: number): Promise<void> {
  await db
    .insertInto('usage_feed_warnings')
    .values({ provider_id: providerId, newest_as_of: newestAsOf, warned_at: warnedAt })
    .onConflict((conflict) => conflict.column('provider_id').doUpdateSet({ newest_as_of: newestAsOf, warned_at: warnedAt }))
    .execute()
}

/** Splits `rows` into statements of at most {@link CHUNK} rows each. */
export function inChunks<T>(rows: readonly T[]): T[][] {
  const chunks: T[][] = []
  for (let from = 0; from < rows.length; from += CHUNK) chunks.push(rows.slice(from, from + CHUNK))
  return chunks
}
