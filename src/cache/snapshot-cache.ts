/**
 * The optional cache (DESIGN.md §5): component snapshots in Redis with an expiry, so a worker that
 * optimizes a component reads it from memory rather than from the database. It is only ever an
 * accelerator: the database keeps everything, so when Redis is configured but unreachable every read is
 * a miss, every write is dropped, the service carries on, and `onDown` hears of it once per outage.
 */
import type { Config } from '../config.js'

export type CacheState = 'off' | 'up' | 'down'

export interface SnapshotCache {
  readonly state: CacheState
  get(key: string): Promise<Uint8Array | undefined>
  set(key: string, value: Uint8Array, ttlSeconds: number): Promise<void>
  close(): void
}

const OFF: SnapshotCache = { state: 'off', get: async () => undefined, set: async () => {}, close: () => {} }

/** A cache on `SIMOPT_REDIS_URL`, or one that holds nothing when it is unset. */
export function snapshotCache(config: Pick<Config, 'redisUrl' | 'queuePrefix'>, onDown: (error: Error) => void): SnapshotCache {
  const { redisUrl } = config
  if (redisUrl === undefined) return OFF
  let state: CacheState = 'up'
  const down = (error: Error) => {
    if (state === 'down') return
    state = 'down'
    onDown(error)
  }
  const connecting = (async () => {
    // Loaded here, not at the top: ioredis is slow to load, and most CLI commands never use the cache.
    const { Redis } = await import('ioredis')
    const redis = new Redis(redisUrl, {
      // A command while Redis is away fails at once (a miss) instead of waiting for it to come back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A refused connection fails at once whatever this is; 1 s made a busy machine's slow first connect an outage alert.
      connectTimeout: 5000,
      retryStrategy: (times) => Math.min(200 * times, 2000),
    })
    redis.on('error', down)
    redis.on('ready', () => (state = 'up'))
    return redis
  })()
  const prefix = `${config.queuePrefix}:cache:`
  return {
    get state() {
      return state
    },
    async get(key) {
      try {
        return (await (await connecting).getBuffer(prefix + key)) ?? undefined
      } catch (error) {
        down(error instanceof Error ? error : new Error(String(error)))
        return undefined
      }
    },
    async set(key, value, ttlSeconds) {
      try {
        await (await connecting).set(prefix + key, Buffer.from(value.buffer, value.byteOffset, value.byteLength), 'EX', ttlSeconds)
      } catch (error) {
        down(error instanceof Error ? error : new Error(String(error)))
      }
    },
    close: () => void connecting.then((redis) => redis.disconnect()),
  }
}
