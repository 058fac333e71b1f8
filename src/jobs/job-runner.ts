/**
 * The one job runner: whatever the queue, a delivered job goes through here. It makes redelivery
 * harmless (a job recorded `done` is not run again; a job of a session that has ended is skipped), runs
 * the stage, and decides what a failure means: bad input, and a carrier's refusal that no retry can change,
 * fail the session at once with the stage's message; anything else is retried with back-off, and fails the
 * session after the last attempt.
 */
import type { Config } from '../config.js'
import { isCarrierError } from '../carriers/index.js'
import { errorCodeOf, errorSpec } from '../domain/index.js'
import { snapshotCache, type SnapshotCache } from '../cache/snapshot-cache.js'
import { createLogger, type Logger } from '../logger.js'
import { inTransaction, isFinished, markJobActive, markJobDone, markJobDoneIfHeld, markJobFailed, markJobRetry, sessionFacts, sessionStatus, type Store } from '../store/index.js'
import { findJob, recordJobs } from './job-log.js'
import type { Job, JobOutcome, JobQueue, JobType } from './job.js'
import { failSessionNotifying } from './session-progress.js'
import type { Stage, StageContext } from './stage.js'

export const MAX_ATTEMPTS = 3
const BASE_RETRY_MS = 1000
/** A delivery retried for hours waits at most this long between attempts. */
const MAX_RETRY_MS = 3_600_000

export interface JobRunnerOptions {
  readonly workerId: string
  readonly config: Config
  /** Default: the configured logger on standard error. */
  readonly logger?: Logger
  /** Default: none (every read a miss). */
  readonly cache?: SnapshotCache
}

const NO_CACHE = snapshotCache({ redisUrl: undefined, queuePrefix: '' }, () => {})

/** The name a job's entity goes by in log lines; the other stages work on an instance. */
const ENTITY_KEYS: Partial<Record<JobType, string>> = {
  'start-session': 'sessionId',
  'optimize-component': 'componentId',
  'deliver-message': 'messageId',
}
const INSTANCE_STAGES: readonly JobType[] = ['sync-devices', 'sync-usage', 'build-problem', 'finalize-instance', 'report-instance', 'decide-push', 'push-changes', 'verify-changes']

export class JobRunner {
  readonly #store: Store
  readonly #queue: JobQueue
  readonly #stages: ReadonlyMap<JobType, Stage>
  readonly #options: JobRunnerOptions
  readonly #logger: Logger

  constructor(store: Store, queue: JobQueue, stages: readonly Stage[], options: JobRunnerOptions) {
    this.#store = store
    this.#queue = queue
    this.#stages = new Map(stages.map((stage) => [stage.type, stage]))
    this.#options = options
    this.#logger = (options.logger ?? createLogger(options.config)).child({ worker: options.workerId })
  }

  readonly process = async (job: Job): Promise<JobOutcome> => {
    const { db } = this.#store
    const stage = this.#stages.get(job.type)
    if (stage === undefined) throw new Error(`no stage handles jobs of type ${job.type}`)
    const record = await findJob(db, job.id)
    if (record === undefined) {
      // Delivered by a queue whose database is not this one (two deployments on one Redis prefix, or a
      // worker pointed at another database): nothing here can run it.
      this.#logger.warn({ jobId: job.id }, 'job not in this database (check SIMOPT_DATABASE_URL and SIMOPT_QUEUE_PREFIX); not run')
      return { kind: 'done' }
    }
    if (record.status === 'done' || record.status === 'failed') return { kind: 'done' }
    const sessionId = await stage.sessionOf(db, job.entityId)
    const log = this.#logger.child({
      jobId: job.id,
      jobType: job.type,
      sessionId: sessionId ?? null,
      [ENTITY_KEYS[job.type] ?? (INSTANCE_STAGES.includes(job.type) ? 'instanceId' : 'entityId')]: job.entityId,
    })
    if (stage.detached === undefined) {
      const status = sessionId === undefined ? undefined : await sessionStatus(db, sessionId)
      if (status === undefined || isFinished(status)) {
        await markJobDone(db, job.id)
        log.debug({ sessionStatus: status ?? null }, 'job skipped: its session has ended')
        return { kind: 'done' }
      }
    }
    const maxAttempts = stage.detached?.attempts(this.#options.config) ?? MAX_ATTEMPTS
    // Deliveries that never came back (the worker died: out of memory, killed) count too: a job that takes
    // its worker down every time must end, not block its tenant's period for good.
    if (record.attempts >= maxAttempts) return this.#fail(job, stage, `${job.type} abandoned after ${record.attempts} attempts: the worker running it stopped each time`, record.attempts, log)

    const attempt = await markJobActive(db, job.id, this.#options.workerId, this.#options.config.jobLeaseMs)
    const started = performance.now()
    log.debug({ attempt }, 'job started')
    let committed = false
    const context: StageContext = {
      store: this.#store,
      config: this.#options.config,
      job,
      commit: async (effects) => {
        if (committed) throw new Error(`job ${job.id} committed twice`)
        committed = true
        const next = await inTransaction(this.#store, async (trx) => {
          // First, and as a write: on SQLite this takes the write lock before anything is read (a read
          // first would fail when another process commits in between), and it stops a delivery whose
          // lease another worker took over from committing a second time.
          if (!(await markJobDoneIfHeld(trx, job.id, this.#options.workerId))) throw new LeaseLost(job.id)
          const jobs = await effects(trx)
          await recordJobs(trx, jobs)
          return jobs
        })
        await this.#publishRecorded(job, next, log)
      },
      log,
      cache: this.#options.cache ?? NO_CACHE,
    }
    try {
      await stage.run(job.entityId, context)
      if (!committed) await context.commit(async () => [])
      log.debug({ attempt, ms: Math.round(performance.now() - started) }, 'job done')
      return { kind: 'done' }
    } catch (error) {
      // Another worker holds the job now and finishes it; this delivery leaves everything to it.
      if (error instanceof LeaseLost) {
        log.warn({ attempt }, 'job taken over by another worker; this delivery stored nothing')
        return { kind: 'done' }
      }
      const refused = isCarrierRefusal(error)
      const message = refused ? await this.#refusalMessage(error.message, sessionId) : error instanceof Error ? error.message : String(error)
      const badInput = !errorSpec(errorCodeOf(error)).retryable
      if (!badInput && attempt < maxAttempts) {
        const delayMs = Math.min(MAX_RETRY_MS, (stage.detached?.firstRetryMs(this.#options.config) ?? BASE_RETRY_MS) * 2 ** (attempt - 1))
        await markJobRetry(db, job.id, this.#options.workerId, message, Date.now() + delayMs)
        log.warn({ attempt, delayMs, error: message }, 'job failed; retrying')
        return { kind: 'retry', delayMs, error: message }
      }
      return this.#fail(job, stage, badInput ? message : `${job.type} failed after ${attempt} attempts: ${message}`, attempt, log)
    }
  }

  /** Names the provider and period, as the stages' own input errors do; the carrier's message has its code. */
  async #refusalMessage(carrierMessage: string, sessionId: string | undefined): Promise<string> {
    const what = `the carrier refused the call, not retried: ${carrierMessage}`
    if (sessionId === undefined) return what
    const facts = await sessionFacts(this.#store.db, sessionId)
    return `provider ${facts.provider}, period ${facts.period}: ${what}`
  }

  async #fail(job: Job, stage: Stage, message: string, attempts: number, log: Logger): Promise<JobOutcome> {
    log.error({ attempts, error: message }, stage.detached === undefined ? 'job failed; the session fails' : 'job failed for good')
    const { config } = this.#options
    const next = await inTransaction(this.#store, async (trx) => {
      await markJobFailed(trx, job.id, message)
      if (stage.detached !== undefined) {
        await stage.detached.failed(trx, job.entityId, message)
        return []
      }
      const failing = await stage.sessionOf(trx, job.entityId)
      if (failing === undefined) return []
      const jobs = await failSessionNotifying(trx, config, failing, message, job.type)
      await recordJobs(trx, jobs)
      return jobs
    })
    await this.#publishRecorded(job, next, log)
    return { kind: 'failed', error: `${message} (${attempts} attempts)` }
  }

  async #publishRecorded(after: Job, jobs: readonly Job[], log: Logger): Promise<void> {
    if (jobs.length === 0) return
    try {
      await this.#queue.publish(jobs)
    } catch (error) {
      // Committed and recorded: the queue's sweep publishes them again. Failing here would undo a job that is done.
      log.warn({ error: error instanceof Error ? error.message : String(error), jobs: jobs.length }, `jobs after ${after.id} recorded but not yet published; the queue's sweep publishes them`)
    }
  }
}

/**
 * A carrier's answer that the same call will get again: bad credentials, an unknown SIM, a refused
 * parameter, an answer that breaks the API's promise. (An open circuit closes again: its code is retryable.)
 */
function isCarrierRefusal(error: unknown): error is Error {
  return isCarrierError(error) && !errorSpec(error.code).retryable
}

/** A delivery found, at commit, that its job is no longer its own. */
class LeaseLost extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} was taken over by another worker`)
  }
}
