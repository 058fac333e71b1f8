/**
 * The optional cache: component snapshots go to Redis and are read from it; when Redis goes away mid-run
 * (a proxy in front of the real Redis cut) sessions still finish, `/readyz` says degraded, the alert is
 * e-mailed once; when it comes back the cache is used again.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { Redis } from 'ioredis'
import { writeGroups } from '../helpers/fleets.js'
import { CLI_MAIN } from '../helpers/paths.js'
import { freshRedisPrefix } from '../helpers/services.js'
import { eventually, importArgs, RUN_ARGS, sessionEnd, simoptOk, sqliteLocal, storeFor } from '../helpers/service-env.js'
import { TcpProxy } from '../helpers/tcp-proxy.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('the optional cache', () => {
  it('is used, missed while Redis is away (sessions still finish, one alert), and used again when it is back', async (t) => {
    const redis = await freshRedisPrefix(t)
    if (redis === undefined) return
    const target = new URL(redis.url)
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) })
    await proxy.start()
    after(() => proxy.stop())
    const direct = new Redis(redis.url)
    after(() => direct.disconnect())

    const folder = await tempDir()
    const env = {
      ...sqliteLocal(folder),
      SIMOPT_REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      SIMOPT_QUEUE_PREFIX: redis.prefix,
      SIMOPT_ERROR_EMAIL: 'ops@simopt.example',
      SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox'),
    }
    await simoptOk(env, importArgs(await writeGroups(path.join(folder, 'fleet'), 2, 200)))
    const server = spawn(process.execPath, [CLI_MAIN, 'serve', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] })
    let stdout = ''
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    const store = storeFor(env)
    const cached = async () => (await direct.keys(`${redis.prefix}:cache:snapshot:*`)).length
    const alerts = async () => store.db.selectFrom('outbox').select(['status', 'recipient']).where('kind', '=', 'cache-unreachable').execute()
    const runSession = async () => {
      const id = (await simoptOk(env, RUN_ARGS)).stdout.trim()
      assert.equal((await sessionEnd(store, id)).status, 'done')
    }
    try {
      const url = await eventually('the address', async () => /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1], 20_000)
      const ready = async () => (await (await fetch(`${url}/readyz`)).json()) as { status: string; cache?: string }

      await runSession()
      assert.equal(await cached(), 2, 'both components cached')
      assert.deepEqual(await ready(), { status: 'ready' })

      await proxy.stop()
      await runSession()
      await runSession()
      assert.equal(await cached(), 2, 'nothing cached while Redis is away')
      assert.deepEqual(await ready(), { status: 'degraded', cache: 'unreachable' })
      const [alert, ...more] = await eventually('the alert sent', async () => {
        const rows = await alerts()
        return rows.some((row) => row.status === 'sent') ? rows : undefined
      })
      assert.equal(more.length, 0, 'one alert for the outage')
      assert.equal(alert!.recipient, 'ops@simopt.example')

      await proxy.start()
      await eventually('the cache back', async () => ((await ready()).status === 'ready' ? true : undefined), 15_000)
      await runSession()
      assert.equal(await cached(), 4, 'the new session cached again')
      assert.equal((await alerts()).length, 1)
    } finally {
      const exited = new Promise((resolve) => server.once('exit', resolve))
      server.kill('SIGTERM')
      await exited
      await store.close()
    }
  })
})
