/**
 * Jobs as the `jobs` table records them (`store/jobs.ts`): every job ever enqueued, its status and attempts.
 * It is the local queue itself, and for BullMQ the record that makes redelivery harmless (a job found `done`
 * is not run again) and lets a publish lost to a crash be made again. This file turns stored rows into `Job`s
 * of the types this version knows.
 */
import { claimNextJob, findJobRecord, insertJobs, readClaimedJob, strandedJobRecords, type ClaimedJobRow, type Db, type JobRecord, type JobStatus, type Store } from '../store/index.js'
import { JOB_TYPES, type Job, type JobType } from './job.js'

export type { JobStatus } from '../store/index.js'

/** Records jobs (in the transaction that makes the work they continue); a job already recorded stays as it is. */
export async function recordJobs(db: Db, jobs: readonly Job[], runAfter = Date.now()): Promise<void> {
  const now = Date.now()
  await insertJobs(
    db,
    jobs.map((job) => ({ id: job.id, type: job.type, entityId: job.entityId, runAfter: job.delayMs === undefined ? runAfter : now + job.delayMs })),
    now,
  )
}

export interface JobRow {
  readonly job: Job
  readonly status: JobStatus
  readonly attempts: number
}

export async function findJob(db: Db, id: string): Promise<JobRow | undefined> {
  const record = await findJobRecord(db, id)
  return record === undefined ? undefined : { job: jobOf(record), status: record.status, attempts: record.attempts }
}

export type ClaimedRow = ClaimedJobRow

/** Takes the next runnable job of a type this version knows for `workerId` (`claimNextJob`). */
export async function claimNext(store: Store, workerId: string, leaseMs: number): Promise<ClaimedRow | undefined> {
  return claimNextJob(store, JOB_TYPES, workerId, leaseMs)
}

/** The job a claimed row describes. @throws Error naming the job when its type or payload cannot be read. */
export function jobOfRow(row: ClaimedRow): Job {
  return jobOf(readClaimedJob(row))
}

/**
 * Jobs recorded as waiting for longer than `olderThanMs`: their publish may have been lost. (Jobs held by a
 * worker that died are BullMQ's to hand on: it watches its own locks.)
 */
export async function strandedJobs(db: Db, olderThanMs: number): Promise<Job[]> {
  return (await strandedJobRecords(db, JOB_TYPES, olderThanMs)).map(jobOf)
}

function jobOf(record: JobRecord): Job {
  if (!isJobType(record.type)) throw new Error(`job ${record.id} has unknown type ${record.type}`)
  return { id: record.id, type: record.type, entityId: record.entityId }
}

const isJobType = (type: string): type is JobType => (JOB_TYPES as readonly string[]).includes(type)
