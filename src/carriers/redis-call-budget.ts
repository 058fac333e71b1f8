/**
 * A carrier account's call budget counted in Redis, shared by every process that calls the account (the
 * workers of a BullMQ deployment): the carrier counts the account's calls together (jasper_api.md §8), so
 * two workers each keeping to 5 calls a second would send 10. Each process's {@link CallLimiter} still keeps
 * its own limits, retries, slowdown and circuit; before each call it also takes a start from here.
 *
 * Two sorted sets per account, changed only by scripts that read Redis's clock (one clock for every
 * machine): the calls of the last second (scored by start, then by answer, as the limiter counts them), and
 * the calls in flight (scored by when their lease runs out, renewed while the call runs, so a process that
 * dies mid-call frees its place within a lease).
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import type { CallBudgetLimits, SharedCallBudget } from './call-limiter.js'

const WINDOW_MS = 1000
/**
 * A call in flight holds its place this long unless renewed (every third of it while it runs): a process
 * that dies mid-call holds up the account's other callers for at most this. A process whose event loop
 * stalls longer loses its place, and another may call alongside it once.
 */
const LEASE_MS = 3000
const RENEW_EVERY_MS = LEASE_MS / 3
/** How soon to ask again while the account's calls in flight are all taken. */
const IN_FLIGHT_POLL_MS = 5

/**
 * KEYS: window, in flight. ARGV: calls per second, calls in flight, call id, lease ms, window ms.
 * Returns 0 when the call may start (recorded in both sets), else the ms to wait before asking again
 * (-1: wait for a call in flight to end).
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local perSecond, inFlight, lease, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[2]) >= inFlight then return -1 end
local count = redis.call('ZCARD', KEYS[1])
if count >= perSecond then
  local blocking = redis.call('ZRANGE', KEYS[1], count - perSecond, count - perSecond, 'WITHSCORES')
  return math.max(1, tonumber(blocking[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('ZADD', KEYS[2], now + lease, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window * 2)
redis.call('PEXPIRE', KEYS[2], lease * 2)
return 0
`

/** KEYS: in flight. ARGV: call id, lease ms. The call still runs: its place is kept for another lease. */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 0
`

/** KEYS: window, in flight. ARGV: call id, window ms. The call's answer came: it counts from now, and leaves the calls in flight. */
const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return 0
`

/** The budget of the account `account` (a provider's id) under the key prefix `prefix`, on `redis`. */
export function redisCallBudget(redis: () => Promise<Redis>, prefix: string, account: string): SharedCallBudget {
  const keys = [`${prefix}:carrier-calls:${account}:window`, `${prefix}:carrier-calls:${account}:in-flight`]
  return {
    async acquire(limits: CallBudgetLimits) {
      const client = await redis()
      const id = randomUUID()
      for (;;) {
        const wait = Number(await client.eval(ACQUIRE, 2, ...keys, limits.callsPerSecond, limits.maxInFlight, id, LEASE_MS, WINDOW_MS))
        if (wait === 0) break
        await delay(wait < 0 ? IN_FLIGHT_POLL_MS : wait)
      }
      const renewal = setInterval(() => void client.eval(RENEW, 1, keys[1]!, id, LEASE_MS).catch(() => {}), RENEW_EVERY_MS)
      // A call in flight does not keep the process alive on its own.
      renewal.unref()
      return async () => {
        clearInterval(renewal)
        await client.eval(RELEASE, 2, ...keys, id, WINDOW_MS)
      }
    },
  }
}

const connections = new Map<string, Promise<Redis>>()

/** One connection per Redis URL in this process, opened on first use (ioredis is loaded only then). */
export function sharedRedis(url: string): () => Promise<Redis> {
  return () => {
    let connection = connections.get(url)
    if (connection === undefined) {
      connection = import('ioredis').then(({ Redis }) => new Redis(url, { maxRetriesPerRequest: 3 }))
      connections.set(url, connection)
    }
    return connection
  }
}

/** Closes the connections `sharedRedis` opened: a process with one open does not exit. */
export async function closeSharedRedis(): Promise<void> {
  const open = [...connections.values()]
  connections.clear()
  await Promise.all(open.map(async (connection) => (await connection).quit().catch(() => {})))
}
