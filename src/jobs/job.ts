/**
 * Jobs carry one id and nothing else (DESIGN.md §4): the entity their stage works on. The job's own id is
 * made of its type and that id (and the session's attempt where a restart must run it again), so the
 * same job recorded twice is one job, on either queue.
 */
export const JOB_TYPES = [
  'start-session',
  'sync-devices',
  'sync-usage',
  'build-problem',
  'optimize-component',
  'finalize-instance',
  'report-instance',
  'optimize-customer',
  'report-customers',
  'deliver-message',
  'decide-push',
  'push-changes',
  'verify-changes',
  'cleanup',
] as const
export type JobType = (typeof JOB_TYPES)[number]

export interface Job {
  readonly id: string
  readonly type: JobType
  /** The session, instance, component or outbox message the stage works on (the cleanup job: its UTC day). */
  readonly entityId: string
  /** Not to run before this many ms from when it is recorded (a verification waits for the carrier). */
  readonly delayMs?: number
}

export function job(type: JobType, entityId: string, attempt?: number | string, delayMs?: number): Job {
  // '.' rather than ':', which BullMQ reserves in job ids.
  const id = attempt === undefined ? `${type}.${entityId}` : `${type}.${entityId}.${attempt}`
  return delayMs === undefined ? { id, type, entityId } : { id, type, entityId, delayMs }
}

/** What happened to one delivery of a job. */
export type JobOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly error: string }
  | { readonly kind: 'failed'; readonly error: string }

/** Delivers jobs to a processor; the processor has already recorded the outcome in the database. */
export interface JobQueue {
  readonly name: 'local' | 'bullmq'
  /**
   * Resolves once the queue can take jobs; rejects with `UNAVAILABLE` naming the setting when it cannot
   * (Redis down), so a caller can refuse before it records anything.
   */
  ready(): Promise<void>
  /** Makes jobs recorded by a committed transaction available to workers. */
  publish(jobs: readonly Job[]): Promise<void>
  /** Starts handing jobs to `process`, at most `concurrency` at a time, until `stop`. */
  start(process: (job: Job) => Promise<JobOutcome>, concurrency: number): Promise<void>
  /** Stops taking jobs and waits for the ones running to finish. */
  stop(): Promise<void>
}
