/**
 * The cache of a worker process: made with the worker, its outages e-mailed once each to
 * `SIMOPT_ERROR_EMAIL` (through the outbox, like every message), and its state readable by `/readyz`.
 */
import type { Config } from '../config.js'
import { snapshotCache, type CacheState, type SnapshotCache } from '../cache/snapshot-cache.js'
import type { Logger } from '../logger.js'
import { inTransaction, type Store } from '../store/index.js'
import { recordJobs } from './job-log.js'
import type { JobQueue } from './job.js'
import { queueEmail } from './queue-message.js'

let current: SnapshotCache | undefined

/** `off` without `SIMOPT_REDIS_URL` (or before a worker started), else whether Redis answers. */
export function cacheState(): CacheState {
  return current?.state ?? 'off'
}

export function workerCache(config: Config, store: Store, queue: JobQueue, log: Logger): SnapshotCache {
  current = snapshotCache(config, (error) => {
    log.warn({ error: error.message }, 'cache (Redis) not reachable; carrying on without it')
    void alert(config, store, queue, error).catch((failure: unknown) => log.error({ error: String(failure) }, 'could not write the cache alert to the outbox'))
  })
  return current
}

async function alert(config: Config, store: Store, queue: JobQueue, error: Error): Promise<void> {
  const jobs = await inTransaction(store, async (trx) => {
    const queued = await queueEmail(trx, config, { tenantId: null, sessionId: null }, { kind: 'cache-unreachable', error: error.message, at: Date.now() })
    await recordJobs(trx, queued)
    return queued
  })
  await queue.publish(jobs)
}
