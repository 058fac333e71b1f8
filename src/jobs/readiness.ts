/** What `/readyz` answers, on the API and on a worker's own port alike. */
import { pingDatabase, type Store } from '../store/index.js'
import { cacheState } from './worker-cache.js'

export type Readiness = { readonly status: 'ready' } | { readonly status: 'degraded'; readonly cache: 'unreachable' }

/**
 * Ready when the database answers; `degraded` when the optional cache is configured but unreachable (the
 * service works without it, not at its best).
 * @throws the database's error when it does not answer.
 */
export async function readiness(store: Store): Promise<Readiness> {
  await pingDatabase(store.db)
  return cacheState() === 'down' ? { status: 'degraded', cache: 'unreachable' } : { status: 'ready' }
}
