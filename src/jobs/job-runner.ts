/**
 * The one job runner: whatever the queue, a delivered job goes through here. It makes redelivery
 * harmless (a job recorded `done` is not run again; a job of a session that has ended is skipped), runs
 * the stage, and decides what a failure means: bad input fails the session at once with the stage's
 * message; anything else is retried with back-off, and fails the session after the last attempt.
 */
import { SimoptError } from '../domain/index.js'
import type { Store } from '../store/database.js'
import { FINISHED_STATUSES, failSession, type SessionStatus } from '../store/transitions.js'
import { findJob, markActive, markDone, markFailed, markRetry, recordJobs } from './job-log.js'
import type { Job, JobOutcome, JobQueue, JobType } from './job.js'
import type { Stage, StageContext } from './stage.js'

export const MAX_ATTEMPTS = 3
const BASE_RETRY_MS = 1000

export interface JobRunnerOptions {
  readonly workerId: string
  readonly leaseMs: number
}

export class JobRunner {
  readonly #store: Store
  readonly #queue: JobQueue
  readonly #stages: ReadonlyMap<JobType, Stage>
  readonly #options: JobRunnerOptions

  constructor(store: Store, queue: JobQueue, stages: readonly Stage[], options: JobRunnerOptions) {
    this.#store = store
    this.#queue = queue
    this.#stages = new Map(stages.map((stage) => [stage.type, stage]))
    this.#options = options
  }

  readonly process = async (job: Job): Promise<JobOutcome> => {
    const { db } = this.#store
    const stage = this.#stages.get(job.type)
    if (stage === undefined) throw new Error(`no stage handles jobs of type ${job.type}`)
    const record = await findJob(db, job.id)
    if (record === undefined || record.status === 'done' || record.status === 'failed') return { kind: 'done' }
    const sessionId = await stage.sessionOf(db, job.entityId)
    const session = sessionId === undefined ? undefined : await db.selectFrom('sessions').select('status').where('id', '=', sessionId).executeTakeFirst()
    if (session === undefined || FINISHED_STATUSES.includes(session.status as SessionStatus)) {
      await markDone(db, job.id)
      return { kind: 'done' }
    }

    const attempt = await markActive(db, job.id, this.#options.workerId, this.#options.leaseMs)
    let committed = false
    const context: StageContext = {
      store: this.#store,
      job,
      commit: async (effects) => {
        if (committed) throw new Error(`job ${job.id} committed twice`)
        committed = true
        const next = await db.transaction().execute(async (trx) => {
          const jobs = await effects(trx)
          await recordJobs(trx, jobs)
          await markDone(trx, job.id)
          return jobs
        })
        await this.#queue.publish(next)
      },
    }
    try {
      await stage.run(job.entityId, context)
      if (!committed) await context.commit(async () => [])
      return { kind: 'done' }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const badInput = error instanceof SimoptError && error.code !== 'INTERNAL'
      if (!badInput && attempt < MAX_ATTEMPTS) {
        const delayMs = BASE_RETRY_MS * 2 ** (attempt - 1)
        await markRetry(db, job.id, message, Date.now() + delayMs)
        return { kind: 'retry', delayMs, error: message }
      }
      await db.transaction().execute(async (trx) => {
        await markFailed(trx, job.id, message)
        const failing = await stage.sessionOf(trx, job.entityId)
        if (failing !== undefined) await failSession(trx, failing, badInput ? message : `${job.type} failed after ${attempt} attempts: ${message}`)
      })
      return { kind: 'failed', error: message }
    }
  }
}
