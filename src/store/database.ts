/**
 * Opens the database named by `SIMOPT_DATABASE_URL`: an SQLite file (the embedded default) or PostgreSQL.
 * Everything above this file uses kysely and does not know which one it talks to, save for the few
 * statements that must differ (`dialect`).
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely'
import type { Database } from './schema.js'

export type Dialect = 'sqlite' | 'postgres'

/** The database or a transaction on it: what store functions take first. */
export type Db = Kysely<Database> | Transaction<Database>

export interface Store {
  readonly db: Kysely<Database>
  readonly dialect: Dialect
  /** `SIMOPT_DATABASE_URL` it was opened with (for messages: redact the password). */
  readonly url: string
  readonly close: () => Promise<void>
}

export function openStore(url: string): Store {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length)
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
    const database = new SqliteDatabase(file)
    // WAL lets readers (status, the dashboard) go on while a worker writes; NORMAL sync is safe with WAL.
    database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.pragma('foreign_keys = ON')
    // Another process holding the write lock is waited for, not an error. (A transaction that reads before
    // it writes cannot wait that way; the job runner's transactions therefore write first.)
    database.pragma('busy_timeout = 10000')
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) })
    return { db, dialect: 'sqlite', url, close: () => db.destroy() }
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: () => postgresPool(url) }) })
  return { db, dialect: 'postgres', url, close: () => db.destroy() }
}

/**
 * Made when the first query needs a connection. pg is loaded here, not at the top: it is slow to load, and
 * the embedded default (and every command that opens no database) does without it.
 */
async function postgresPool(url: string) {
  const { default: pg } = await import('pg')
  // PostgreSQL returns double precision as numbers already; int8 (count(*)) comes back as text without this.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // An idle connection the server ends (a restart, a failover, an administrator) is reported here; without a
  // listener it would be an uncaught error that stops the whole process. The pool drops that connection, and
  // the next query opens a new one or fails with an error of its own.
  pool.on('error', () => {})
  return pool
}

/** Runs `work` in one transaction: all its writes land, or none. The way code outside the store opens one. */
export function inTransaction<T>(store: Store, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return store.db.transaction().execute(work)
}
