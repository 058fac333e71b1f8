/**
 * The Jasper client against the simulator over real HTTP: every device listed exactly once, usage equal
 * to what the simulated carrier measured (bytes to MB exactly), never more than one call in flight nor
 * over the call cap, and a flaky or over-driven carrier still answered in full.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CallLimiter, JasperClient, isCarrierError, type Carrier } from '../../src/carriers/index.js'
import { startJasperSimulator, type JasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { BYTES_PER_MB, billingPeriod } from '../../src/domain/index.js'

// Mid-November on the simulator's clock, which runs on from there: its call cap counts real seconds.
const NOW = Date.UTC(2026, 10, 16, 12)
const started = Date.now()
const clock = () => NOW + (Date.now() - started)
const WINDOW = { since: NOW - 364 * 86_400_000, till: NOW }

async function crawl(carrier: Carrier): Promise<string[]> {
  const iccids: string[] = []
  for (let page = 1; ; page++) {
    const answer = await carrier.listDevicesChanged(WINDOW, page)
    iccids.push(...answer.devices.map((device) => device.iccid))
    if (answer.lastPage) return iccids
  }
}

function clientFor(simulator: JasperSimulator, limiter = new CallLimiter({ callsPerSecond: 5 })): JasperClient {
  return new JasperClient({ baseUrl: simulator.url, user: simulator.user, apiKey: simulator.apiKey, limiter })
}

describe('the Jasper client against the simulator', () => {
  let simulator: JasperSimulator
  before(async () => {
    simulator = await startJasperSimulator({ sims: 260, seed: 3, now: clock })
  })
  after(() => simulator.close())

  it('lists every device exactly once, one call at a time, within the call cap', async () => {
    const iccids = await crawl(clientFor(simulator))
    assert.equal(iccids.length, simulator.fleet.size)
    assert.equal(new Set(iccids).size, simulator.fleet.size)
    assert.equal(simulator.stats.maxInFlight, 1)
    assert.equal(simulator.stats.rejections['40000029'], undefined, 'no call over the cap')
  })

  it('reads usage by rate plan and per device exactly as the carrier measured it', async () => {
    const client = clientFor(simulator)
    const unpooled = simulator.fleet.plans.find((plan) => !plan.shared && simulator.fleet.devices().some((device) => device.ratePlan === plan.name))!
    const pooled = simulator.fleet.plans.find((plan) => plan.shared)!
    const cycleStart = simulator.fleet.cycleAt(NOW).start
    const seen = new Map<string, number>()
    const from = clock()
    for (let page = 1; ; page++) {
      const answer = await client.usageByRatePlan(unpooled.name, cycleStart, page)
      assert.equal(answer.kind, 'usage')
      if (answer.kind !== 'usage') break
      for (const device of answer.devices) seen.set(device.iccid, device.dataMb)
      if (answer.lastPage) break
    }
    const to = clock()
    const onPlan = simulator.fleet.devices().filter((device) => device.ratePlan === unpooled.name)
    assert.equal(seen.size, onPlan.length)
    // Usage grows with the simulator's clock: what was read lies between the usage before and after reading.
    const within = (mb: number | undefined, device: (typeof onPlan)[number], start: number, end: number) =>
      mb !== undefined && mb >= simulator.fleet.usageAt(device, start).dataBytes / BYTES_PER_MB && mb <= simulator.fleet.usageAt(device, end).dataBytes / BYTES_PER_MB
    for (const device of onPlan) assert.ok(within(seen.get(device.iccid), device, from, to), device.iccid)

    const notAvailable = await client.usageByRatePlan(pooled.name, cycleStart, 1)
    assert.equal(notAvailable.kind, 'not-available')

    const device = simulator.fleet.devices().find((candidate) => simulator.fleet.usageAt(candidate, NOW).dataBytes > 0)!
    const asked = clock()
    const usage = await client.cycleUsage(device.iccid)
    assert.ok(within(usage.dataMb, device, asked, clock()))
    assert.ok(Number.isInteger(usage.dataMb * BYTES_PER_MB), 'whole bytes, converted exactly')
    assert.equal(usage.status, device.status)
    const details = await client.deviceDetails(device.iccid)
    assert.equal(details.msisdn, device.msisdn)
    assert.equal(details.updatedAt, device.dateUpdated, 'dates round-trip to the millisecond')
    assert.equal(details.activatedAt ?? null, device.dateActivated)
  })

  it('asks for a cycle by its start date in the account\'s billing time zone', async (t) => {
    // Calendar months in Tokyo: November starts on 31 October in UTC.
    const cycle = { timeZone: 'Asia/Tokyo', cycleEndDay: 1, cycleEndHour: 0 }
    const tokyo = await startJasperSimulator({ sims: 60, seed: 3, now: clock, cycle })
    t.after(() => tokyo.close())
    const client = new JasperClient({ baseUrl: tokyo.url, user: tokyo.user, apiKey: tokyo.apiKey, limiter: new CallLimiter({ maxRetries: 0 }), timeZone: cycle.timeZone })
    const unpooled = tokyo.fleet.plans.find((plan) => !plan.shared)!
    const start = billingPeriod('2026-11', cycle).start
    assert.equal(new Date(start).toISOString(), '2026-10-31T15:00:00.000Z')
    assert.equal((await client.usageByRatePlan(unpooled.name, start, 1)).kind, 'usage')
    // The cycle before is one the carrier no longer serves: refused as a bad request, which no retry changes.
    const refused = await client.usageByRatePlan(unpooled.name, billingPeriod('2026-10', cycle).start, 1).then(
      () => undefined,
      (error: unknown) => error,
    )
    assert.ok(isCarrierError(refused) && refused.kind === 'bad-request' && !refused.retryable, String(refused))
    assert.match(refused.message, /cycleStartDate=2026-10-01.*10000028 Invalid cycleStartDate: 2026-10-01 \(the current cycle started 2026-11-01\)/)
  })

  it('changes a rate plan so that the next read sees it', async () => {
    const client = clientFor(simulator)
    const device = simulator.fleet.devices().find((candidate) => simulator.fleet.otherAllowedPlan(candidate) !== candidate.ratePlan)!
    const target = simulator.fleet.otherAllowedPlan(device)
    await client.changeRatePlan(device.iccid, target)
    assert.equal((await client.deviceDetails(device.iccid)).ratePlan, target)
    await assert.rejects(client.changeRatePlan('8900000000000000000', target), (error) => isCarrierError(error) && error.kind === 'not-found')
  })

  it('gets every device through a carrier failing 30% of its calls, by retrying', async () => {
    const flaky = await startJasperSimulator({ sims: 260, seed: 3, now: clock, errorRate: 0.3 })
    try {
      const limiter = new CallLimiter({ callsPerSecond: 5, retryBaseMs: 20, retryMaxMs: 100, failureThreshold: 50 })
      const iccids = await crawl(clientFor(flaky, limiter))
      assert.equal(new Set(iccids).size, flaky.fleet.size)
      assert.ok((flaky.stats.rejections['30000001'] ?? 0) > 0, 'the carrier did fail calls')
      assert.equal(limiter.stats.retries, flaky.stats.rejections['30000001'])
    } finally {
      await flaky.close()
    }
  })

  it('slows down when driven over the call cap, and still gets every answer', async () => {
    const limiter = new CallLimiter({ callsPerSecond: 25, retryBaseMs: 50, retryMaxMs: 400, failureThreshold: 100 })
    const client = clientFor(simulator, limiter)
    const before = simulator.stats.rejections['40000029'] ?? 0
    const devices = simulator.fleet.devices().slice(0, 20)
    const usages = await Promise.all(devices.map((device) => client.cycleUsage(device.iccid)))
    assert.deepEqual(usages.map((usage) => usage.iccid), devices.map((device) => device.iccid))
    const refused = (simulator.stats.rejections['40000029'] ?? 0) - before
    assert.ok(refused > 0, 'the simulator refused calls over its cap')
    assert.equal(limiter.stats.rateLimited, refused)
    assert.equal(simulator.stats.maxInFlight, 1)
  })
})
