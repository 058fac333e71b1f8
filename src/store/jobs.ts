/** The `jobs` table: the record of every job enqueued (and the local queue itself), with its leases. */
import { z } from 'zod'
import type { Db, Store } from './database.js'
import { JOB_STATUSES, type JobStatus } from './statuses.js'

/** A job as stored: its type is text (rows of types another version knows may be there), its payload the entity's id. */
export interface JobRecord {
  readonly id: string
  readonly type: string
  readonly entityId: string
  readonly status: JobStatus
  readonly attempts: number
}

/** A job to record: it may run from `runAfter` (epoch ms). */
export interface NewJobRecord {
  readonly id: string
  readonly type: string
  readonly entityId: string
  readonly runAfter: number
}

/** Jobs carry ids only (DESIGN.md §4). */
const payloadSchema = z.object({ entityId: z.string() })
const statusSchema = z.enum(JOB_STATUSES)

const RECORD_COLUMNS = ['id', 'type', 'payload', 'status', 'attempts'] as const

/** Records jobs; a job already recorded stays as it is. */
export async function insertJobs(db: Db, jobs: readonly NewJobRecord[], now = Date.now()): Promise<void> {
  // In slices: a fleet of thousands of components is thousands of jobs, past a statement's parameter limit.
  for (let from = 0; from < jobs.length; from += INSERT_BATCH) {
    const slice = jobs.slice(from, from + INSERT_BATCH)
    await db
      .insertInto('jobs')
      .values(
        slice.map((job) => ({
          id: job.id,
          type: job.type,
          payload: JSON.stringify({ entityId: job.entityId }),
          status: 'queued' satisfies JobStatus,
          attempts: 0,
          run_after: job.runAfter,
          locked_by: null,
          locked_until: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute()
  }
}

const INSERT_BATCH = 1000

export async function findJobRecord(db: Db, id: string): Promise<JobRecord | undefined> {
  const row = await db.selectFrom('jobs').select(RECORD_COLUMNS).where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toRecord(row)
}

/** Whether a job of `type` is waiting or held by a worker. */
export async function hasUnfinishedJob(db: Db, type: string): Promise<boolean> {
  const row = await db.selectFrom('jobs').select('id').where('type', '=', type).where('status', 'in', ['queued', 'active'] satisfies JobStatus[]).executeTakeFirst()
  return row !== undefined
}

export async function jobExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}

/** Marks a delivery started: counts the attempt and records who holds it until when. @returns the attempt. */
export async function markJobActive(db: Db, id: string, workerId: string, leaseMs: number): Promise<number> {
  const now = Date.now()
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'active' satisfies JobStatus, attempts: eb('attempts', '+', 1), locked_by: workerId, locked_until: now + leaseMs, updated_at: now }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirstOrThrow()
  return row.attempts
}

export async function extendJobLease(db: Db, id: string, workerId: string, leaseMs: number): Promise<void> {
  await db.updateTable('jobs').set({ locked_until: Date.now() + leaseMs }).where('id', '=', id).where('locked_by', '=', workerId).where('status', '=', 'active').execute()
}

/** Marks the job done if `workerId` still holds it; false when another worker took it over. */
export async function markJobDoneIfHeld(db: Db, id: string, workerId: string): Promise<boolean> {
  const row = await db
    .updateTable('jobs')
    .set({ status: 'done' satisfies JobStatus, locked_until: null, updated_at: Date.now() })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('locked_by', '=', workerId)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

export async function markJobDone(db: Db, id: string): Promise<void> {
  await db.updateTable('jobs').set({ status: 'done' satisfies JobStatus, locked_until: null, updated_at: Date.now() }).where('id', '=', id).execute()
}

/** Puts the job back for a later attempt, unless another worker has taken it over meanwhile. */
export async function markJobRetry(db: Db, id: string, workerId: string, error: string, runAfter: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'queued' satisfies JobStatus, last_error: error, run_after: runAfter, locked_until: null, updated_at: Date.now() })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('locked_by', '=', workerId)
    .execute()
}

export async function markJobFailed(db: Db, id: string, error: string): Promise<void> {
  await db.updateTable('jobs').set({ status: 'failed' satisfies JobStatus, last_error: error, locked_until: null, updated_at: Date.now() }).where('id', '=', id).execute()
}

/** A row claimed for a worker, not yet read: reading it (`readClaimedJob`) may fail, and the row is then failed. */
export interface ClaimedJobRow {
  readonly id: string
  readonly type: string
  readonly payload: string
  readonly status: string
  readonly attempts: number
}

/**
 * Takes the next runnable job of `types` for `workerId` (the runner counts the attempt when it starts it): a
 * queued one whose time has come, or one whose holder let its lease run out (a worker that died). One
 * statement, so it is atomic on SQLite across processes, and `SKIP LOCKED` lets PostgreSQL workers claim side
 * by side. Rows of other types are left for a version that knows them.
 */
export async function claimNextJob(store: Store, types: readonly string[], workerId: string, leaseMs: number): Promise<ClaimedJobRow | undefined> {
  const now = Date.now()
  let next = store.db
    .selectFrom('jobs')
    .select('id')
    .where('type', 'in', [...types])
    .where((eb) => eb.or([eb.and([eb('status', '=', 'queued'), eb('run_after', '<=', now)]), eb.and([eb('status', '=', 'active'), eb('locked_until', '<', now)])]))
    .orderBy('run_after')
    .orderBy('id')
    .limit(1)
  if (store.dialect === 'postgres') next = next.forUpdate().skipLocked()
  return store.db
    .updateTable('jobs')
    .set({ status: 'active' satisfies JobStatus, locked_by: workerId, locked_until: now + leaseMs, updated_at: now })
    .where('id', '=', (eb) => eb.selectFrom(next.as('next')).select('next.id'))
    .returning(RECORD_COLUMNS)
    .executeTakeFirst()
}

/** @throws Error naming the job when its status or payload cannot be read. */
export function readClaimedJob(row: ClaimedJobRow): JobRecord {
  return toRecord(row)
}

/**
 * Jobs of `types` recorded as waiting for longer than `olderThanMs`, oldest first (at most 1000): their
 * publish may have been lost.
 */
export async function strandedJobRecords(db: Db, types: readonly string[], olderThanMs: number): Promise<JobRecord[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(RECORD_COLUMNS)
    .where('type', 'in', [...types])
    .where('status', '=', 'queued')
    .where('updated_at', '<', Date.now() - olderThanMs)
    .orderBy('created_at')
    .limit(1000)
    .execute()
  return rows.map(toRecord)
}

/** Jobs in `statuses`, counted per type (for `/metrics`). */
export async function jobCountsByType(db: Db, statuses: readonly JobStatus[]): Promise<{ type: string; n: number }[]> {
  const rows = await db.selectFrom('jobs').select(['type', (eb) => eb.fn.countAll<number>().as('n')]).where('status', 'in', [...statuses]).groupBy('type').execute()
  return rows.map((row) => ({ type: row.type, n: Number(row.n) }))
}

function toRecord(row: ClaimedJobRow): JobRecord {
  const payload = payloadSchema.safeParse(parseJson(row.payload))
  if (!payload.success) throw new Error(`job ${row.id} has an unreadable payload ${JSON.stringify(row.payload)}`)
  const status = statusSchema.safeParse(row.status)
  if (!status.success) throw new Error(`job ${row.id} has unknown status ${row.status}`)
  return { id: row.id, type: row.type, entityId: payload.data.entityId, status: status.data, attempts: row.attempts }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
