/**
 * Redis down when a session is asked for: one line naming the setting, a non-zero exit (a 503 from the
 * API), and nothing written, so the same start succeeds once Redis is back instead of being refused as
 * "already running" (and no worker runs a session nobody is waiting for).
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import path from 'node:path'
import { describe, it } from 'node:test'
import { buildApi } from '../../src/api/app.js'
import { loadConfig } from '../../src/config.js'
import { createQueue, newWorkerId } from '../../src/jobs/worker.js'
import { openStore } from '../../src/store/database.js'
import { tenantKeys } from '../helpers/api-server.js'
import { writeGroups } from '../helpers/fleets.js'
import { freshPostgresDatabase, freshRedisPrefix } from '../helpers/services.js'
import { importArgs, postgresBullmq, RUN_ARGS, simopt, simoptOk, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

/** A port on 127.0.0.1 that nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function counts(env: ServiceEnv): Promise<{ sessions: number; jobs: number; transitions: number; periods: number }> {
  const store = storeFor(env)
  try {
    const count = async (table: 'sessions' | 'jobs' | 'state_transitions' | 'billing_periods') =>
      Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    return { sessions: await count('sessions'), jobs: await count('jobs'), transitions: await count('state_transitions'), periods: await count('billing_periods') }
  } finally {
    await store.close()
  }
}

describe('a session start with the queue unreachable', () => {
  it('simopt run exits 3 with one line naming SIMOPT_REDIS_URL, writes nothing, and the same run succeeds once Redis is reachable', async (t) => {
    const databaseUrl = await freshPostgresDatabase(t)
    if (databaseUrl === undefined) return
    const redis = await freshRedisPrefix(t)
    if (redis === undefined) return
    const folder = await tempDir()
    const files = await writeGroups(path.join(folder, 'fleet'), 1, 50)
    const reachable = postgresBullmq(databaseUrl, redis)
    await simoptOk(reachable, importArgs(files))
    const port = await closedPort()
    const unreachable = { ...reachable, SIMOPT_REDIS_URL: `redis://127.0.0.1:${port}` }
    const before = await counts(reachable)

    const refused = await simopt(unreachable, RUN_ARGS)
    assert.equal(refused.code, 3, refused.stderr)
    assert.equal(refused.stderr, `simopt: cannot reach Redis at SIMOPT_REDIS_URL=redis://127.0.0.1:${port}; nothing was done\n`)
    assert.equal(refused.stdout, '')
    assert.deepEqual(await counts(reachable), before, 'no session, job, transition or period written')

    const retried = await simopt(reachable, RUN_ARGS)
    assert.equal(retried.code, 0, retried.stderr)
    assert.match(retried.stdout, /^[0-9a-f-]{36}\n$/)
    const after = await counts(reachable)
    assert.equal(after.sessions, before.sessions + 1)
  })

  it('the API answers 503, not 500, and writes nothing', async (t) => {
    const databaseUrl = await freshPostgresDatabase(t)
    if (databaseUrl === undefined) return
    const redis = await freshRedisPrefix(t)
    if (redis === undefined) return
    const folder = await tempDir()
    const files = await writeGroups(path.join(folder, 'fleet'), 1, 50)
    const env = { ...postgresBullmq(databaseUrl, { url: `redis://127.0.0.1:${await closedPort()}`, prefix: redis.prefix }), SIMOPT_LOG_LEVEL: 'silent' }
    await simoptOk(env, importArgs(files))
    // Built here and closed before the test ends: the database is dropped after it.
    const config = loadConfig(env)
    const store = openStore(config.databaseUrl)
    const queue = createQueue(config, store, newWorkerId())
    const app = await buildApi({ store, config, queue })
    try {
      const keys = await tenantKeys(store, 'acme')
      const before = await counts(env)
      const answer = await app.inject({ method: 'POST', url: '/api/sessions', headers: { authorization: `Bearer ${keys.operator}` }, payload: { provider: 'main', period: '2026-11', sync: false } })
      assert.equal(answer.statusCode, 503, answer.body)
      assert.match(answer.json().message, /unavailable; nothing was done, try again later/)
      assert.deepEqual(await counts(env), before)
    } finally {
      await app.close()
      await queue.stop()
      await store.close()
    }
  })
})
