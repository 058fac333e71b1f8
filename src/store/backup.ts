/**
 * Backups of the whole database, while the service runs, and restoring one.
 *
 * - SQLite: SQLite's online backup API (better-sqlite3 `backup()`): readers and writers go on meanwhile.
 *   Restoring copies the backup into the database through the same API, which writes the target in one
 *   transaction: other connections see the old database or the new one, never a mix, and a crash leaves
 *   the old one.
 * - PostgreSQL: `pg_dump --format=custom`, and `pg_restore --clean --if-exists --single-transaction`
 *   (all or nothing). The password goes to them in the environment, never on the command line.
 *
 * A backup is written to a temporary file beside the target and renamed into place once complete, so a
 * failed backup never leaves a truncated file under the name asked for.
 */
import { execFile } from 'node:child_process'
import { open, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import SqliteDatabase from 'better-sqlite3'
import { redactUrl } from '../config.js'
import { SimoptError } from '../domain/index.js'
import type { Store } from './database.js'

const run = promisify(execFile)
const PG_BIN = '/usr/bin'
const SQLITE_MAGIC = 'SQLite format 3\0'
const PG_DUMP_MAGIC = 'PGDMP'

export interface BackupFacts {
  readonly file: string
  readonly bytes: number
}

/** Writes a backup of the store's database to `file` (replaced if it exists). */
export async function backupDatabase(store: Store, file: string): Promise<BackupFacts> {
  const folder = path.dirname(path.resolve(file))
  if (!(await stat(folder).then((s) => s.isDirectory(), () => false))) throw new SimoptError('INPUT_INVALID', `cannot write backup ${file}: folder ${folder} does not exist`)
  refuseTheDatabaseItself(store, file)
  const temporary = temporaryBeside(file)
  try {
    if (store.dialect === 'sqlite') {
      // Read-write, though it only reads: a read-only connection cannot join a WAL database whose -shm is not there.
      const source = new SqliteDatabase(sqliteFile(store.url), { fileMustExist: true })
      try {
        await source.backup(temporary)
      } finally {
        source.close()
      }
      // The copy keeps the database's WAL mode; a rollback journal makes it one self-contained file.
      const copy = new SqliteDatabase(temporary)
      try {
        copy.pragma('journal_mode = DELETE')
      } finally {
        copy.close()
      }
    } else {
      await pgTool('pg_dump', ['--format=custom', '--no-owner', `--file=${temporary}`], store.url)
    }
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    if (error instanceof SimoptError) throw error
    throw new SimoptError('INTERNAL', `backup to ${file} failed: ${messageOf(error)}`, { cause: error })
  }
  return { file, bytes: (await stat(file)).size }
}

/**
 * Replaces the store's database with the backup in `file`.
 * @throws SimoptError `INPUT_INVALID` when the file is missing, is not a backup of this kind of database,
 *   or workers hold jobs (stop them first); nothing is changed then.
 */
export async function restoreDatabase(store: Store, file: string): Promise<void> {
  refuseTheDatabaseItself(store, file)
  const kind = await backupKind(file)
  if (kind !== store.dialect) {
    throw new SimoptError('INPUT_INVALID', `${file} is a backup of ${kind === 'sqlite' ? 'an SQLite' : 'a PostgreSQL'} database; SIMOPT_DATABASE_URL is ${store.dialect === 'sqlite' ? 'an SQLite' : 'a PostgreSQL'} database`)
  }
  await refuseWhileWorking(store)
  if (store.dialect === 'sqlite') {
    await restoreSqlite(file, sqliteFile(store.url))
  } else {
    // Checked first: an archive pg_restore cannot read fails here, before the database is touched.
    await pgTool('pg_restore', ['--list', file], undefined).catch((error: unknown) => {
      throw new SimoptError('INPUT_INVALID', `${file} is not a pg_dump archive pg_restore can read: ${messageOf(error)}`)
    })
    await pgTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', file], store.url)
  }
}

async function restoreSqlite(file: string, target: string): Promise<void> {
  let source: SqliteDatabase.Database
  try {
    source = new SqliteDatabase(file, { readonly: true, fileMustExist: true })
    const check = source.pragma('quick_check', { simple: true })
    if (check !== 'ok') throw new Error(`integrity check says ${String(check)}`)
    source.prepare('select count(*) from kysely_migration').get()
  } catch (error) {
    throw new SimoptError('INPUT_INVALID', `${file} is not a readable simopt SQLite backup: ${messageOf(error)}`, { cause: error })
  }
  try {
    await source.backup(target)
  } catch (error) {
    throw new SimoptError('INTERNAL', `restoring ${file} into ${target} failed (the database is as it was): ${messageOf(error)}`, { cause: error })
  } finally {
    source.close()
  }
}

/**
 * Which database wrote the backup in `file`, from its first bytes.
 * @throws SimoptError `INPUT_INVALID` when the file is missing or is neither kind.
 */
export async function backupKind(file: string): Promise<'sqlite' | 'postgres'> {
  let head: Buffer
  try {
    const handle = await open(file, 'r')
    try {
      head = Buffer.alloc(16)
      await handle.read(head, 0, 16, 0)
    } finally {
      await handle.close()
    }
  } catch (error) {
    throw new SimoptError('INPUT_INVALID', `cannot read backup file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : messageOf(error)}`)
  }
  if (head.toString('latin1') === SQLITE_MAGIC) return 'sqlite'
  if (head.subarray(0, PG_DUMP_MAGIC.length).toString('latin1') === PG_DUMP_MAGIC) return 'postgres'
  throw new SimoptError('INPUT_INVALID', `${file} is not a simopt backup (neither an SQLite database nor a pg_dump custom archive)`)
}

/** Workers holding jobs would write into the database as it is replaced: they are to be stopped first. */
async function refuseWhileWorking(store: Store): Promise<void> {
  let held: { n: number } | undefined
  try {
    held = await store.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'active')
      .where('locked_until', '>', Date.now())
      .executeTakeFirst()
  } catch {
    return // no jobs table: an empty database, which nobody works on
  }
  if (held !== undefined && Number(held.n) > 0) {
    throw new SimoptError('INPUT_INVALID', `the database is in use: workers hold ${held.n} jobs; stop simopt worker and serve before restoring`)
  }
}

/** Runs a PostgreSQL client tool against `url` (undefined: none), the password passed in the environment. */
async function pgTool(tool: 'pg_dump' | 'pg_restore', args: readonly string[], url: string | undefined): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  const connection: string[] = []
  if (url !== undefined) {
    const parsed = new URL(url)
    if (parsed.password !== '') env.PGPASSWORD = decodeURIComponent(parsed.password)
    parsed.password = ''
    connection.push(`--dbname=${parsed.toString()}`)
  }
  try {
    await run(path.join(PG_BIN, tool), [...connection, ...args], { env, maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim()
    throw new SimoptError('INTERNAL', `${tool} failed${url === undefined ? '' : ` on ${redactUrl(url)}`}: ${stderr || messageOf(error)}`, { cause: error })
  }
}

/** A backup written over the database file (or restored from it) would destroy the database. */
function refuseTheDatabaseItself(store: Store, file: string): void {
  if (store.dialect !== 'sqlite') return
  const database = path.resolve(sqliteFile(store.url))
  if ([database, `${database}-wal`, `${database}-shm`].includes(path.resolve(file))) {
    throw new SimoptError('INPUT_INVALID', `${file} is the database itself (SIMOPT_DATABASE_URL); name another file`)
  }
}

function sqliteFile(url: string): string {
  const file = url.slice('sqlite:'.length)
  if (file === ':memory:') throw new SimoptError('INPUT_INVALID', 'an in-memory SQLite database (sqlite::memory:) has nothing to back up or restore')
  return file
}

function temporaryBeside(file: string): string {
  return path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.${Date.now()}.partial`)
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))
