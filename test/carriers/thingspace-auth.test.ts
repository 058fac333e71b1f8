/**
 * ThingSpace's two tokens against the simulator over real HTTP: renewed before they expire (no call
 * refused), renewed on a 401 when the carrier expires them mid-sync, renewed once for many concurrent
 * callers, and never shown in an error or an inspected client.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { inspect } from 'node:util'
import { CallLimiter, isCarrierError } from '../../src/carriers/index.js'
import { ThingSpaceClient } from '../../src/carriers/thingspace/index.js'
import { startThingSpaceSimulator, type ThingSpaceSimulator } from '../../src/carriers/thingspace/simulator/thingspace-simulator.js'

const NOW = Date.UTC(2026, 10, 16, 12)
const started = Date.now()
/** Real time from NOW, plus what a test moved it on: the call cap still counts real seconds. */
let skipped = 0
const clock = () => NOW + (Date.now() - started) + skipped

function clientFor(simulator: ThingSpaceSimulator, options: { maxInFlight?: number; appSecret?: string } = {}): ThingSpaceClient {
  return new ThingSpaceClient({
    baseUrl: simulator.url,
    accountName: simulator.account.accountName,
    credentials: { appKey: simulator.appKey, appSecret: options.appSecret ?? simulator.appSecret, username: simulator.username, password: simulator.password },
    limiter: new CallLimiter({ callsPerSecond: 200, maxInFlight: options.maxInFlight ?? 1, retryBaseMs: 1 }),
    now: clock,
  })
}

async function crawl(client: ThingSpaceClient, afterPage?: (page: number) => void): Promise<string[]> {
  const iccids: string[] = []
  let cursor: number | undefined
  for (let page = 1; ; page++) {
    const answer = await client.listDevices(cursor)
    iccids.push(...answer.devices.map((device) => device.iccid))
    cursor = answer.largestDeviceIdSeen
    afterPage?.(page)
    if (!answer.hasMoreData) return iccids
  }
}

const refusals = (simulator: ThingSpaceSimulator) => Object.entries(simulator.stats.rejections).reduce((sum, [, count]) => sum + count, 0)

describe('ThingSpace tokens', () => {
  let simulator: ThingSpaceSimulator
  before(async () => {
    simulator = await startThingSpaceSimulator({ sims: 500, seed: 7, now: clock, rateLimit: 1000, tokenTtlSeconds: 600, pageSize: 100 })
  })
  after(() => simulator.close())

  it('renews both tokens before they expire, under 60 s left, without a call being refused', async () => {
    const client = clientFor(simulator)
    const issued = simulator.stats.accessTokensIssued
    await client.listDevices()
    assert.deepEqual(client.authStats, { accessTokens: 1, sessionLogins: 1 })
    skipped += 500_000 // 100 s of the 600 left: still used
    await client.listDevices()
    assert.deepEqual(client.authStats, { accessTokens: 1, sessionLogins: 1 })
    skipped += 60_000 // 40 s left
    await client.listDevices()
    assert.deepEqual(client.authStats, { accessTokens: 2, sessionLogins: 2 })
    assert.equal(simulator.stats.accessTokensIssued, issued + 2)
    assert.equal(refusals(simulator), 0)
  })

  it('renews them on a 401 when the carrier expires them mid-sync, and the sync misses no device', async () => {
    const client = clientFor(simulator)
    const iccids = await crawl(client, (page) => {
      if (page === 2) simulator.revokeTokens()
    })
    assert.equal(iccids.length, simulator.account.size)
    assert.equal(new Set(iccids).size, simulator.account.size)
    assert.deepEqual(client.authStats, { accessTokens: 2, sessionLogins: 2 })
    assert.equal(simulator.stats.rejections['900901'], 1, 'the expired bearer token refused once')
    assert.equal(simulator.stats.rejections['UnifiedWebService.REQUEST_FAILED.SessionToken.Expired'], 1, 'then the expired session once')
  })

  it('survives tokens expiring every few calls (the token-expiry fault)', async () => {
    simulator.setFaults({ revokeTokensEvery: 2 })
    try {
      const client = clientFor(simulator)
      const iccids = await crawl(client)
      assert.equal(new Set(iccids).size, simulator.account.size)
      assert.ok(client.authStats.accessTokens >= 2)
    } finally {
      simulator.setFaults({ revokeTokensEvery: 0 })
    }
  })

  it('renews once for many concurrent callers', async () => {
    const client = clientFor(simulator, { maxInFlight: 4 })
    const issued = simulator.stats.accessTokensIssued
    const pages = await Promise.all([undefined, 0, 100_000, 200_000].map((cursor) => client.listDevices(cursor)))
    assert.equal(pages.length, 4)
    assert.deepEqual(client.authStats, { accessTokens: 1, sessionLogins: 1 })
    assert.equal(simulator.stats.accessTokensIssued, issued + 1)
  })

  it('refuses wrong credentials as an auth error that shows no secret, and never shows a token', async () => {
    const client = clientFor(simulator, { appSecret: 'not-the-secret' })
    const error = await client.listDevices().then(
      () => assert.fail('signed in with a wrong secret'),
      (caught: unknown) => caught,
    )
    assert.ok(isCarrierError(error))
    assert.equal(error.kind, 'auth')
    assert.doesNotMatch(`${error.message} ${inspect(error)}`, /not-the-secret|demo-password/)
    const good = clientFor(simulator)
    await good.listDevices()
    assert.doesNotMatch(inspect(good, { depth: 10 }), /demo-app-secret|demo-password|Bearer/)
    assert.doesNotMatch(JSON.stringify(good), /demo-app-secret|demo-password/)
  })
})
