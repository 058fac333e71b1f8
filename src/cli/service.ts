/** What the service commands share: the configuration, an open and migrated database, a queue. */
import { loadConfig, type Config } from '../config.js'
import { createQueue, newWorkerId } from '../jobs/worker.js'
import type { JobQueue } from '../jobs/job.js'
import { migrate, openStore, type Store } from '../store/index.js'

/** Also the service layer's context (`services/context.ts`): commands pass it to the services as it is. */
export interface Service {
  readonly config: Config
  readonly store: Store
  /** The queue, created on first use (commands that only read never connect to Redis). */
  queue(): JobQueue
  readonly workerId: string
}

/** Runs `work` with the database open and up to date, and closes everything after. */
export async function withService<T>(work: (service: Service) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const store = openStore(config.databaseUrl)
  const workerId = newWorkerId()
  let queue: JobQueue | undefined
  try {
    await migrate(store)
    return await work({ config, store, workerId, queue: () => (queue ??= createQueue(config, store, workerId)) })
  } finally {
    await queue?.stop()
    await store.close()
  }
}
