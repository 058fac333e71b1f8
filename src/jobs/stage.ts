/** What a pipeline stage is given and what it gives back. */
import type { Config } from '../config.js'
import type { SnapshotCache } from '../cache/snapshot-cache.js'
import type { Logger } from '../logger.js'
import type { Db, Store, Trx } from '../store/index.js'
import type { Job, JobType } from './job.js'

export interface StageContext {
  readonly store: Store
  readonly config: Config
  readonly job: Job
  /**
   * Commits the stage's effects, the jobs that continue the work and this job's `done` in one
   * transaction; the jobs are published once it has committed. Called at most once.
   */
  commit(effects: (trx: Trx) => Promise<readonly Job[]>): Promise<void>
  /** Lines carry the job's, its session's and its entity's ids. */
  readonly log: Logger
  /** The optional cache of component snapshots; reads miss and writes drop when it is off or down. */
  readonly cache: SnapshotCache
}

export interface Stage {
  readonly type: JobType
  /** The session the job belongs to, to skip work of a session that has ended and to fail it. */
  sessionOf(db: Db, entityId: string): Promise<string | undefined>
  run(entityId: string, context: StageContext): Promise<void>
  /**
   * For work that outlives its session (e-mails, webhooks, pushing changes): it runs whatever state the
   * session is in, is retried on its own terms, and a last failure ends the job, never the session.
   */
  readonly detached?: DetachedPolicy
}

export interface DetachedPolicy {
  attempts(config: Config): number
  firstRetryMs(config: Config): number
  /** Records that the last attempt failed too. */
  failed(trx: Trx, entityId: string, message: string): Promise<void>
}
