/**
 * The Telegence client and carrier against the simulator over real HTTP: the app-id / app-secret headers,
 * every BAN's subscribers paged by headers with none missed or repeated, each read in full (SOC, ICCID, IMEI,
 * next bill cycle date), a SOC change and its verification by reading the subscriber again (a change the
 * carrier answered but did not make shows), and throttling and server errors absorbed by the call limiter.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CallLimiter, isCarrierError, TelegenceCarrier, TelegenceClient } from '../../src/carriers/index.js'
import { startTelegenceSimulator, type TelegenceSimulator, type TelegenceSimulatorOptions } from '../../src/carriers/telegence/simulator/telegence-simulator.js'
import type { DeviceDetails } from '../../src/carriers/index.js'
import { listenOnLoopback } from '../../src/carriers/loopback-server.js'

function clientFor(simulator: TelegenceSimulator, options: { pageSize?: number; appSecret?: string; limiter?: CallLimiter } = {}): TelegenceClient {
  return new TelegenceClient({
    baseUrl: simulator.url,
    appId: simulator.appId,
    appSecret: options.appSecret ?? simulator.appSecret,
    fan: simulator.account.fan,
    limiter: options.limiter ?? new CallLimiter({ callsPerSecond: 500, retryBaseMs: 1 }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  })
}

/** A carrier whose subscriber numbers come from the simulator's own lines, as the store would give them after a sync. */
function carrierFor(simulator: TelegenceSimulator, client: TelegenceClient): TelegenceCarrier {
  const byIccid = new Map(simulator.account.lines().map((line) => [line.iccid, line.subscriberNumber]))
  return new TelegenceCarrier({ client, subscriberOf: async (iccid) => byIccid.get(iccid) })
}

async function crawl(carrier: TelegenceCarrier): Promise<{ devices: DeviceDetails[]; pages: number }> {
  assert.equal(carrier.listing.kind, 'cursor')
  if (carrier.listing.kind !== 'cursor') throw new Error('unreachable')
  const devices: DeviceDetails[] = []
  let cursor: number | undefined
  let pages = 0
  for (;;) {
    const page = await carrier.listing.page(cursor)
    pages++
    devices.push(...page.devices)
    if (page.next === undefined) return { devices, pages }
    assert.ok(page.next > 0, 'a cursor is a positive number')
    cursor = page.next
  }
}

async function withSimulator(options: TelegenceSimulatorOptions, test: (simulator: TelegenceSimulator) => Promise<void>): Promise<void> {
  const simulator = await startTelegenceSimulator({ rateLimit: 1000, ...options })
  try {
    await test(simulator)
  } finally {
    await simulator.close()
  }
}

describe('the Telegence client on the simulator', () => {
  it('lists every BAN\'s subscribers page by page, each once, with its SOC, ICCID and IMEI from its detail', () =>
    withSimulator({ sims: 103, bans: 3, seed: 4 }, async (simulator) => {
      const client = clientFor(simulator, { pageSize: 10 })
      const page = await client.subscribers(simulator.account.bans[0]!, 2)
      assert.equal(page.subscribers.length, 10)
      assert.equal(page.pageTotal, Math.ceil(simulator.account.linesOf(simulator.account.bans[0]!)!.length / 10))
      assert.ok(Math.abs(page.refreshedAt - Date.now()) < 60_000, 'refresh-timestamp read')

      const { devices, pages } = await crawl(carrierFor(simulator, client))
      // 35 + 34 + 34 lines on pages of 10: 4 pages a BAN.
      assert.equal(pages, 12)
      assert.equal(devices.length, 103)
      assert.equal(new Set(devices.map((device) => device.iccid)).size, 103, 'no subscriber twice')
      for (const device of devices) {
        const line = simulator.account.lines().find((known) => known.iccid === device.iccid)!
        assert.equal(device.ratePlan, line.soc)
        assert.equal(device.msisdn, line.subscriberNumber)
        assert.equal(device.imei, line.imei)
        assert.equal(device.commPlan, simulator.account.fan)
        assert.equal(device.status, { A: 'ACTIVATED', S: 'DEACTIVATED', C: 'RETIRED', R: 'INVENTORY' }[line.status])
      }
      const detail = await client.subscriber(simulator.account.lines()[0]!.subscriberNumber)
      assert.match(detail.nextBillCycleDate, /^\d{4}-\d{2}-01$/)
      assert.equal(simulator.stats.calls.bans, 1)
      assert.equal(simulator.stats.calls.subscribers, 13)
    }))

  it('is refused with a wrong app-secret, as an authentication failure', () =>
    withSimulator({ sims: 5 }, async (simulator) => {
      const client = clientFor(simulator, { appSecret: 'wrong', limiter: new CallLimiter({ callsPerSecond: 100, retryBaseMs: 1 }) })
      const error = await client.bans().then(() => undefined, (caught: unknown) => caught)
      assert.ok(isCarrierError(error), String(error))
      assert.equal(error.kind, 'auth')
      assert.equal(error.code, 'CARRIER_AUTH_FAILED')
      assert.match(error.message, /UNAUTHORIZED/)
    }))

  it('changes a subscriber\'s SOC and reads it back; a change answered but not made shows on the re-read', () =>
    withSimulator({ sims: 20, seed: 9, dropChangeEvery: 2 }, async (simulator) => {
      const carrier = carrierFor(simulator, clientFor(simulator))
      const [first, second] = simulator.account.lines().filter((line) => line.soc !== 'BVD5GB')
      assert.deepEqual(await carrier.changeRatePlan(first!.iccid, 'BVD5GB'), { kind: 'done' })
      assert.equal((await carrier.deviceDetails(first!.iccid)).ratePlan, 'BVD5GB')
      const before = second!.soc
      await carrier.changeRatePlan(second!.iccid, 'BVD5GB')
      assert.equal((await carrier.deviceDetails(second!.iccid)).ratePlan, before, 'the dropped change is not in place')

      const refused = await carrier.changeRatePlan(first!.iccid, 'NO-SUCH-SOC').then(() => undefined, (caught: unknown) => caught)
      assert.ok(isCarrierError(refused))
      assert.equal(refused.kind, 'bad-request')
      assert.equal(refused.errorCode, 'INVALID_SOC')
      const unknown = await carrier.deviceDetails('89014100000000000000').then(() => undefined, (caught: unknown) => caught)
      assert.ok(isCarrierError(unknown))
      assert.equal(unknown.kind, 'not-found')
    }))

  it('gets through throttling and server errors with the call limiter\'s retries', () =>
    withSimulator({ sims: 60, bans: 2, seed: 5, rateLimit: 15, errorRate: 0.1 }, async (simulator) => {
      const limiter = new CallLimiter({ callsPerSecond: 30, retryBaseMs: 5, retryMaxMs: 200, maxRetries: 8, failureThreshold: 1000, slowdownMaxMs: 50 })
      const { devices } = await crawl(carrierFor(simulator, clientFor(simulator, { pageSize: 25, limiter })))
      assert.equal(new Set(devices.map((device) => device.iccid)).size, 60)
      assert.ok((simulator.stats.rejections.SERVER_ERROR ?? 0) > 0, 'the carrier did fail calls')
      assert.ok((simulator.stats.rejections.TOO_MANY_REQUESTS ?? 0) > 0, 'the carrier did throttle calls')
    }))

  it('passes over BANs without subscribers', () =>
    withSimulator({ sims: 5, bans: 8, seed: 6 }, async (simulator) => {
      const { devices, pages } = await crawl(carrierFor(simulator, clientFor(simulator)))
      assert.equal(devices.length, 5)
      // One list call a BAN, empty ones included; the empty BANs after the last subscriber end the crawl in one page.
      assert.equal(simulator.stats.calls.subscribers, 8)
      assert.equal(pages, 6)
    }))

  it('refuses a page without its page-total header, naming the header', async () => {
    // A carrier answering a page without the header the paging rests on: a server of the test's own.
    const server = await listenOnLoopback(0, (request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'refresh-timestamp': new Date().toISOString() })
      response.end(JSON.stringify({ billingAccountNumber: '450000001', subscribers: [] }))
    })
    try {
      const client = new TelegenceClient({ baseUrl: server.url, appId: 'a', appSecret: 's', fan: '9', limiter: new CallLimiter({ callsPerSecond: 100 }) })
      const error = await client.subscribers('450000001', 1).then(() => undefined, (caught: unknown) => caught)
      assert.ok(isCarrierError(error))
      assert.equal(error.kind, 'bad-answer')
      assert.match(error.message, /header page-total: a number of pages expected, got null/)
    } finally {
      await server.close()
    }
  })
})
