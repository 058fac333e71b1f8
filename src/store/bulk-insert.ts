import type { Insertable, Kysely, Transaction } from 'kysely'
import type { Database } from './schema.js'

/** Parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000

/**
 * Inserts many rows with few statements: multi-row INSERTs sized to the databases' parameter limits.
 * A million rows is a few hundred statements, not a million round trips.
 */
export async function insertRows<T extends keyof Database & string>(
  db: Kysely<Database> | Transaction<Database>,
  table: T,
  rows: Iterable<Insertable<Database[T]>>,
): Promise<number> {
  let batch: Insertable<Database[T]>[] = []
  let perBatch = 0
  let count = 0
  const flush = async () => {
    if (batch.length === 0) return
    await db.insertInto(table).values(batch as never).execute()
    count += batch.length
    batch = []
  }
  for (const row of rows) {
    if (perBatch === 0) perBatch = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(row).length))
    batch.push(row)
    if (batch.length >= perBatch) await flush()
  }
  await flush()
  return count
}
