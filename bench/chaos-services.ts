/**
 * The chaos run's own PostgreSQL database and Redis key prefix, on loopback, each removed when the run ends
 * (whatever its outcome): a run leaves nothing behind in services other runs and the tests share.
 */
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { Redis } from 'ioredis'

const POSTGRES_ADMIN_URL = process.env.SIMOPT_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.SIMOPT_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface ChaosServices {
  readonly databaseUrl: string
  readonly redisUrl: string
  readonly queuePrefix: string
  /** Drops the database and deletes the prefix's keys. */
  remove(): Promise<void>
}

/** @throws Error naming the service when PostgreSQL or Redis cannot be reached. */
export async function chaosServices(): Promise<ChaosServices> {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 12)
  const name = `simopt_chaos_${suffix}`
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 })
  try {
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
  } catch (error) {
    throw new Error(`chaos bench: PostgreSQL at ${POSTGRES_ADMIN_URL}: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    await admin.end().catch(() => {})
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null })
  const queuePrefix = `simopt-chaos-${suffix}`
  const dropDatabase = async () => {
    const cleanup = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
    await cleanup.connect()
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await cleanup.end()
  }
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    redis.disconnect()
    await dropDatabase()
    throw new Error(`chaos bench: Redis at ${REDIS_URL}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const url = new URL(POSTGRES_ADMIN_URL)
  url.pathname = `/${name}`
  return {
    databaseUrl: url.toString(),
    redisUrl: REDIS_URL,
    queuePrefix,
    async remove() {
      try {
        for (let cursor = '0'; ; ) {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 1000)
          if (keys.length > 0) await redis.del(...keys)
          if ((cursor = next) === '0') break
        }
      } finally {
        redis.disconnect()
        await dropDatabase()
      }
    },
  }
}
