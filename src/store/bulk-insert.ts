/**
 * Inserts many rows with few statements; a million rows is never a million round trips.
 * - SQLite: multi-row INSERTs sized under its limit of 32,766 parameters (the database is in-process, so
 *   statements are cheap; what costs is the parameter count).
 * - PostgreSQL: one `INSERT … SELECT * FROM unnest($1::type[], …)` per 20,000 rows, a parameter per
 *   column. Multi-row VALUES of the same rows took 4 times longer: 30,000 parameters per statement to
 *   build, send and parse.
 */
import { sql, type Insertable, type RawBuilder } from 'kysely'
import type { Db, Dialect } from './database.js'
import type { Database } from './schema.js'

const SQLITE_MAX_PARAMETERS = 30_000
const POSTGRES_ROWS_PER_STATEMENT = 20_000

export async function insertRows<T extends keyof Database & string>(
  db: Db,
  dialect: Dialect,
  table: T,
  rows: Iterable<Insertable<Database[T]>>,
): Promise<number> {
  let batch: Insertable<Database[T]>[] = []
  let perBatch = 0
  let count = 0
  const flush = async () => {
    if (batch.length === 0) return
    if (dialect === 'postgres') await insertUnnest(db, table, batch)
    else await db.insertInto(table).values(batch as never).execute()
    count += batch.length
    batch = []
  }
  for (const row of rows) {
    if (perBatch === 0) perBatch = dialect === 'postgres' ? POSTGRES_ROWS_PER_STATEMENT : Math.max(1, Math.floor(SQLITE_MAX_PARAMETERS / Object.keys(row).length))
    batch.push(row)
    if (batch.length >= perBatch) await flush()
  }
  await flush()
  return count
}

/** PostgreSQL array type of each column of a table, read once from the catalog. */
const columnTypes = new Map<string, Promise<Map<string, string>>>()

async function typesOf(db: Db, table: string): Promise<Map<string, string>> {
  let types = columnTypes.get(table)
  if (types === undefined) {
    types = sql<{ column_name: string; udt_name: string }>`
      select column_name, udt_name from information_schema.columns
      where table_schema = current_schema() and table_name = ${table}`
      .execute(db)
      .then((result) => new Map(result.rows.map((row) => [row.column_name, row.udt_name])))
    // A failed lookup (the connection dropped) is not remembered: the next insert asks again.
    types.catch(() => columnTypes.delete(table))
    columnTypes.set(table, types)
  }
  return types
}

/**
 * `insert into t (…) select … from unnest(…)`. A column with one value in the whole batch (the provider,
 * the instance, a null) is sent once as a plain parameter, not as an array of 20,000 copies: that halves
 * what a fleet import sends.
 */
async function insertUnnest(db: Db, table: string, rows: readonly object[]): Promise<void> {
  const types = await typesOf(db, table)
  const columns = Object.keys(rows[0]!)
  const arrays: RawBuilder<unknown>[] = []
  const values = columns.map((column) => {
    const type = types.get(column)
    if (type === undefined) throw new Error(`table ${table} has no column ${column}`)
    const first = (rows[0] as Record<string, unknown>)[column] ?? null
    if (rows.every((row) => ((row as Record<string, unknown>)[column] ?? null) === first)) return sql`${first}::${sql.raw(type)}`
    arrays.push(sql`${rows.map((row) => (row as Record<string, unknown>)[column] ?? null)}::${sql.raw(type)}[]`)
    return sql.raw(`u.c${arrays.length}`)
  })
  const names = sql.join(columns.map((column) => sql.ref(column)))
  if (arrays.length === 0) {
    await sql`insert into ${sql.table(table)} (${names}) select ${sql.join(values)} from generate_series(1, ${rows.length})`.execute(db)
    return
  }
  const aliases = sql.raw(arrays.map((_, i) => `c${i + 1}`).join(', '))
  await sql`insert into ${sql.table(table)} (${names}) select ${sql.join(values)} from unnest(${sql.join(arrays)}) as u(${aliases})`.execute(db)
}
