/**
 * What every service function is given: the store, the configuration and the job queue. The command line
 * (`cli/service.ts`) and the API (`api/deps.ts`) each build one and call the same services with it.
 *
 * Who asks (`cli:<user>`, `key:<name>`, for the audit log) is an argument of the calls that record it.
 */
import type { Config } from '../config.js'
import type { JobQueue } from '../jobs/job.js'
import type { Store } from '../store/index.js'

export interface ServiceContext {
  readonly store: Store
  readonly config: Config
  /** The job queue; the command line connects it on first use, so commands that only read never reach Redis. */
  readonly queue: () => JobQueue
}
