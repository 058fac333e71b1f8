import type { Config } from '../config.js'
import type { JobQueue } from '../jobs/job.js'
import type { Store } from '../store/index.js'
import type { ServiceContext } from '../services/context.js'

/** What the API is built on: the same store, queue and configuration the workers use. */
export interface ApiDeps {
  readonly store: Store
  readonly config: Config
  /** Where started sessions and approved pushes are published (the workers take them from there). */
  readonly queue: JobQueue
}

/** The service layer's context for a request: the same store, configuration and queue. */
export function serviceContext(deps: ApiDeps): ServiceContext {
  return { store: deps.store, config: deps.config, queue: () => deps.queue }
}
