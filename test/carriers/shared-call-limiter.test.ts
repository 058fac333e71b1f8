/**
 * One carrier account called by two processes' limiters (each on its own Redis connection, as two workers
 * are) against the Jasper simulator's per-account cap: with the budget shared through Redis the carrier
 * refuses nothing and sees one call at a time; each keeping only its own budget, they go over the cap.
 */
import assert from 'node:assert/strict'
import { after, describe, it, type TestContext } from 'node:test'
import { Redis } from 'ioredis'
import { CallLimiter, JasperClient, redisCallBudget, type SharedCallBudget } from '../../src/carriers/index.js'
import { startJasperSimulator, type JasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { freshRedisPrefix } from '../helpers/services.js'

const CALLS_PER_SECOND = 5
const CALLS_EACH = 12

/** Two clients of the account, as two workers have, calling `deviceDetails` at once; resolves when all are answered. */
async function twoWorkersCall(simulator: JasperSimulator, shared: (worker: number) => SharedCallBudget | undefined): Promise<CallLimiter[]> {
  const limiters = [0, 1].map((worker) => new CallLimiter({ name: `worker ${worker}`, callsPerSecond: CALLS_PER_SECOND, maxInFlight: 1, shared: shared(worker) }))
  const iccids = simulator.fleet.devices().map((device) => device.iccid)
  await Promise.all(
    limiters.map(async (limiter, worker) => {
      const client = new JasperClient({ baseUrl: simulator.url, user: simulator.user, apiKey: simulator.apiKey, limiter })
      for (let i = 0; i < CALLS_EACH; i++) await client.deviceDetails(iccids[(worker * CALLS_EACH + i) % iccids.length]!)
    }),
  )
  return limiters
}

describe('the call limit of one account across workers', () => {
  it('shared through Redis: no call refused as over the cap, one in flight, every call made', async (t: TestContext) => {
    const redis = await freshRedisPrefix(t)
    if (redis === undefined) return
    const connections = [new Redis(redis.url), new Redis(redis.url)]
    after(() => connections.forEach((connection) => connection.disconnect()))
    const simulator = await startJasperSimulator({ sims: 50, seed: 5, rateLimit: CALLS_PER_SECOND })
    after(() => simulator.close())
    const limiters = await twoWorkersCall(simulator, (worker) => redisCallBudget(async () => connections[worker]!, redis.prefix, 'provider-1'))
    assert.equal(simulator.stats.rejections['40000029'], undefined, `refused as over the cap: ${JSON.stringify(simulator.stats.rejections)}`)
    assert.equal(simulator.stats.maxInFlight, 1)
    assert.equal(simulator.stats.calls['GET /devices/{iccid}'], 2 * CALLS_EACH)
    for (const limiter of limiters) assert.equal(limiter.stats.calls, CALLS_EACH, 'no retries were needed')
    // Nothing is left in flight: the next call may start at once.
    assert.equal(await connections[0]!.zcard(`${redis.prefix}:carrier-calls:provider-1:in-flight`), 0)
  })

  it('a worker that dies mid-call frees its place in flight within a lease', async (t: TestContext) => {
    const redis = await freshRedisPrefix(t)
    if (redis === undefined) return
    const [dying, living] = [new Redis(redis.url), new Redis(redis.url)]
    after(() => living.disconnect())
    const limits = { callsPerSecond: 5, maxInFlight: 1 }
    await redisCallBudget(async () => dying, redis.prefix, 'provider-2').acquire(limits)
    // Never released, and its lease no longer renewed: what a SIGKILL leaves.
    dying.disconnect()
    const release = await redisCallBudget(async () => living, redis.prefix, 'provider-2').acquire(limits)
    await release()
    assert.equal(await living.zcard(`${redis.prefix}:carrier-calls:provider-2:in-flight`), 0)
  })

  it('each keeping only its own budget: the carrier refuses calls over the cap (what sharing prevents)', async () => {
    const simulator = await startJasperSimulator({ sims: 50, seed: 5, rateLimit: CALLS_PER_SECOND })
    after(() => simulator.close())
    const limiters = await twoWorkersCall(simulator, () => undefined)
    assert.ok((simulator.stats.rejections['40000029'] ?? 0) > 0, `expected refusals, got ${JSON.stringify(simulator.stats.rejections)}`)
    assert.ok(limiters.some((limiter) => limiter.stats.rateLimited > 0))
  })
})
