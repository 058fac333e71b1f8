/**
 * The real services tests talk to: PostgreSQL and Redis on loopback. Outside CI a test whose service is
 * down is skipped with a message naming it; in CI (`CI=true`) it fails, so a broken setup cannot pass.
 */
import { randomUUID } from 'node:crypto'
import { after, type TestContext } from 'node:test'
import { Redis } from 'ioredis'
import pg from 'pg'

export const POSTGRES_ADMIN_URL = process.env.SIMOPT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.SIMOPT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

function unavailable(t: TestContext, service: string, error: unknown): undefined {
  const reason = `${service} is not reachable (${error instanceof Error ? error.message : String(error)})`
  if (process.env.CI === 'true') throw new Error(`${reason}; CI needs it (.ci/run starts it)`)
  t.skip(`skipped: ${reason}`)
  return undefined
}

/** A new, empty PostgreSQL database for this test file, dropped afterwards; undefined when skipped. */
export async function freshPostgresDatabase(t: TestContext): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 })
  try {
    await admin.connect()
  } catch (error) {
    return unavailable(t, `PostgreSQL at ${POSTGRES_ADMIN_URL}`, error)
  }
  const name = `simopt_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  after(async () => {
    const cleanup = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
    await cleanup.connect()
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await cleanup.end()
  })
  const url = new URL(POSTGRES_ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** Redis's URL and a key prefix of this test's own, cleared afterwards; undefined when skipped. */
export async function freshRedisPrefix(t: TestContext): Promise<{ url: string; prefix: string } | undefined> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null })
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    redis.disconnect()
    return unavailable(t, `Redis at ${REDIS_URL}`, error)
  }
  const prefix = `simopt-test-${randomUUID().slice(0, 8)}`
  after(async () => {
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })
  return { url: REDIS_URL, prefix }
}
