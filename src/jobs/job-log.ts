/**
 * The `jobs` table: every job ever enqueued, its status and attempts. It is the local queue itself, and
 * for BullMQ the record that makes redelivery harmless (a job found `done` is not run again) and lets a
 * publish lost to a crash be made again.
 */
import type { Kysely, Transaction } from 'kysely'
import type { Store } from '../store/database.js'
import type { Database } from '../store/schema.js'
import { JOB_TYPES, type Job, type JobType } from './job.js'

type Db = Kysely<Database> | Transaction<Database>

export type JobStatus = 'queued' | 'active' | 'done' | 'failed'

/** Records jobs (in the transaction that makes the work they continue); a job already recorded stays as it is. */
export async function recordJobs(db: Db, jobs: readonly Job[], runAfter = Date.now()): Promise<void> {
  if (jobs.length === 0) return
  const now = Date.now()
  await db
    .insertInto('jobs')
    .values(
      jobs.map((job) => ({
        id: job.id,
        type: job.type,
        payload: JSON.stringify({ entityId: job.entityId }),
        status: 'queued',
        attempts: 0,
        run_after: runAfter,
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

export async function markDone(db: Db, id: string): Promise<void> {
  await db.updateTable('jobs').set({ status: 'done', locked_until: null, updated_at: Date.now() }).where('id', '=', id).execute()
}

export async function markRetry(db: Db, id: string, error: string, runAfter: number): Promise<void> {
  await db.updateTable('jobs').set({ status: 'queued', last_error: error, run_after: runAfter, locked_until: null, updated_at: Date.now() }).where('id', '=', id).execute()
}

export async function markFailed(db: Db, id: string, error: string): Promise<void> {
  await db.updateTable('jobs').set({ status: 'failed', last_error: error, locked_until: null, updated_at: Date.now() }).where('id', '=', id).execute()
}

/**
 * Takes the next runnable job for `workerId` (the runner counts the attempt when it starts it): a queued one whose time has come, or one whose holder let
 * its lease run out (a worker that died). On PostgreSQL, SKIP LOCKED lets many workers claim at once;
 * SQLite serializes writers, so the claim is atomic there as it is.
 */
export async function claimNext(store: Store, workerId: string, leaseMs: number): Promise<Job | undefined> {
  const now = Date.now()
  return store.db.transaction().execute(async (trx) => {
    let next = trx
      .selectFrom('jobs')
      .select('id')
      .where((eb) => eb.or([eb.and([eb('status', '=', 'queued'), eb('run_after', '<=', now)]), eb.and([eb('status', '=', 'active'), eb('locked_until', '<', now)])]))
      .orderBy('run_after')
      .orderBy('id')
      .limit(1)
    if (store.dialect === 'postgres') next = next.forUpdate().skipLocked()
    const found = await next.executeTakeFirst()
    if (found === undefined) return undefined
    const row = await trx
      .updateTable('jobs')
      .set({ status: 'active', locked_by: workerId, locked_until: now + leaseMs, updated_at: now })
      .where('id', '=', found.id)
      .returning(['id', 'type', 'payload', 'status', 'attempts'])
      .executeTakeFirstOrThrow()
    return toJobRow(row).job
  })
}

/** Jobs that should be on the queue but may not be: queued, or held past their lease, for longer than `olderThanMs`. */
export async function strandedJobs(db: Db, olderThanMs: number): Promise<Job[]> {
  const before = Date.now() - olderThanMs
  const rows = await db
    .selectFrom('jobs')
    .select(['id', 'type', 'payload', 'status', 'attempts'])
    .where((eb) => eb.or([eb.and([eb('status', '=', 'queued'), eb('updated_at', '<', before)]), eb.and([eb('status', '=', 'active'), eb('locked_until', '<', before)])]))
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
