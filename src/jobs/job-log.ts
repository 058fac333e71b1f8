/**
 * The `jobs` table: every job ever enqueued, its status and attempts. It is the local queue itself, and
 * for BullMQ the record that makes redelivery harmless (a job found `done` is not run again) and lets a
 * publish lost to a crash be made again.
 */
import type { Db, Store } from '../store/database.js'
import { JOB_TYPES, type Job, type JobType } from './job.js'

export type JobStatus = 'queued' | 'active' | 'done' | 'failed'

/** Records jobs (in the transaction that makes the work they continue); a job already recorded stays as it is. */
export async function recordJobs(db: Db, jobs: readonly Job[], runAfter = Date.now()): Promise<void> {
  const now = Date.now()
  // In slices: a fleet of thousands of components is thousands of jobs, past a statement's parameter limit.
  for (let from = 0; from < jobs.length; from += RECORD_BATCH) {
    await recordBatch(db, jobs.slice(from, from + RECORD_BATCH), runAfter, now)
  }
}

const RECORD_BATCH = 1000

async function recordBatch(db: Db, jobs: readonly Job[], runAfter: number, now: number): Promise<void> {
  await db
    .insertInto('jobs')
    .values(
      jobs.map((job) => ({
        id: job.id,
        type: job.type,
        payload: JSON.stringify({ entityId: job.entityId }),
        status: 'queued',
        attempts: 0,
        run_after: job.delayMs === undefined ? runAfter : now + job.delayMs,
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

export interface JobRow {
  readonly job: Job
  readonly status: JobStatus
  readonly attempts: number
}

export async function findJob(db: Db, id: string): Promise<JobRow | undefined> {
  const row = await db.selectFrom('jobs').select(['id', 'type', 'payload', 'status', 'attempts']).where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toJobRow(row)
}

/** Marks a delivery started: counts the attempt and records who holds it until when. */
export async function markActive(db: Db, id: string, workerId: string, leaseMs: number): Promise<number> {
  const now = Date.now()
  const row = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'active', attempts: eb('attempts', '+', 1), locked_by: workerId, locked_until: now + leaseMs, updated_at: now }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirstOrThrow()
  return row.attempts
}

export async function extendLease(db: Db, id: string, workerId: string, leaseMs: number): Promise<void> {
  await db.updateTable('jobs').set({ locked_until: Date.now() + leaseMs }).where('id', '=', id).where('locked_by', '=', workerId).where('status', '=', 'active').execute()
}

/** Marks the job done if `workerId` still holds it; false when another worker took it over. */
export async function markDoneIfHeld(db: Db, id: string, workerId: string): Promise<boolean> {
  const row = await db
    .updateTable('jobs')
    .set({ status: 'done', locked_until: null, updated_at: Date.now() })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('locked_by', '=', workerId)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

export async function markDone(db: Db, id: string): Promise<void> {
  await db.updateTable('jobs').set({ status: 'done', locked_until: null, updated_at: Date.now() }).where('id', '=', id).execute()
}

/** Puts the job back for a later attempt, unless another worker has taken it over meanwhile. */
export async function markRetry(db: Db, id: string, workerId: string, error: string, runAfter: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'queued', last_error: error, run_after: runAfter, locked_until: null, updated_at: Date.now() })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('locked_by', '=', workerId)
    .execute()
}

export async function markFailed(db: Db, id: string, error: string): Promise<void> {
  await db.updateTable('jobs').set({ status: 'failed', last_error: error, locked_until: null, updated_at: Date.now() }).where('id', '=', id).execute()
}

/**
 * Takes the next runnable job for `workerId` (the runner counts the attempt when it starts it): a queued
 * one whose time has come, or one whose holder let its lease run out (a worker that died). One statement,
 * so it is atomic on SQLite across processes, and `SKIP LOCKED` lets PostgreSQL workers claim side by side.
 * Rows of types this version does not know are left for a version that does.
 */
export async function claimNext(store: Store, workerId: string, leaseMs: number): Promise<ClaimedRow | undefined> {
  const now = Date.now()
  let next = store.db
    .selectFrom('jobs')
    .select('id')
    .where('type', 'in', JOB_TYPES)
    .where((eb) => eb.or([eb.and([eb('status', '=', 'queued'), eb('run_after', '<=', now)]), eb.and([eb('status', '=', 'active'), eb('locked_until', '<', now)])]))
    .orderBy('run_after')
    .orderBy('id')
    .limit(1)
  if (store.dialect === 'postgres') next = next.forUpdate().skipLocked()
  return store.db
    .updateTable('jobs')
    .set({ status: 'active', locked_by: workerId, locked_until: now + leaseMs, updated_at: now })
    .where('id', '=', (eb) => eb.selectFrom(next.as('next')).select('next.id'))
    .returning(['id', 'type', 'payload', 'status', 'attempts'])
    .executeTakeFirst()
}

export interface ClaimedRow {
  readonly id: string
  readonly type: string
  readonly payload: string
  readonly status: string
  readonly attempts: number
}

/** The job a claimed row describes. @throws Error naming the job when its type or payload cannot be read. */
export function jobOfRow(row: ClaimedRow): Job {
  return toJobRow(row).job
}

/**
 * Jobs recorded as waiting for longer than `olderThanMs`: their publish may have been lost. (Jobs held by a
 * worker that died are BullMQ's to hand on: it watches its own locks.)
 */
export async function strandedJobs(db: Db, olderThanMs: number): Promise<Job[]> {
  const before = Date.now() - olderThanMs
  const rows = await db
    .selectFrom('jobs')
    .select(['id', 'type', 'payload', 'status', 'attempts'])
    .where('type', 'in', JOB_TYPES)
    .where('status', '=', 'queued')
    .where('updated_at', '<', before)
    .orderBy('created_at')
    .limit(1000)
    .execute()
  return rows.map((row) => toJobRow(row).job)
}

function toJobRow(row: { id: string; type: string; payload: string; status: string; attempts: number }): JobRow {
  if (!(JOB_TYPES as readonly string[]).includes(row.type)) throw new Error(`job ${row.id} has unknown type ${row.type}`)
  const { entityId } = JSON.parse(row.payload) as { entityId: string }
  return { job: { id: row.id, type: row.type as JobType, entityId }, status: row.status as JobStatus, attempts: row.attempts }
}
