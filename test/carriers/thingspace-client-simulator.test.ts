/**
 * The ThingSpace client against the simulator over real HTTP: cursor paging over the whole fleet with no
 * device missed or repeated, a cycle's usage as rated in arrears, asynchronous plan changes and their
 * outcomes by polling and by callback (lost ones included), the monthly limit and suspended devices
 * refused, throttling and server errors absorbed by the call limiter.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { CallLimiter, isCarrierError } from '../../src/carriers/index.js'
import { startChangeCallbackListener, ThingSpaceClient, type ChangeCallbackListener } from '../../src/carriers/thingspace/index.js'
import { startThingSpaceSimulator, type ThingSpaceSimulator, type ThingSpaceSimulatorOptions } from '../../src/carriers/thingspace/simulator/thingspace-simulator.js'
import { THINGSPACE_ERRORS } from '../../src/carriers/thingspace/thingspace-wire.js'
import { BYTES_PER_MB } from '../../src/domain/index.js'

// Mid-November on the simulator's clock, which runs on from there: its call cap counts real seconds.
const NOW = Date.UTC(2026, 10, 16, 12)
const DAY = 86_400_000
const started = Date.now()
const clock = () => NOW + (Date.now() - started)

function clientFor(simulator: ThingSpaceSimulator, limiter = new CallLimiter({ callsPerSecond: 200, retryBaseMs: 1 })): ThingSpaceClient {
  const { appKey, appSecret, username, password } = simulator
  return new ThingSpaceClient({ baseUrl: simulator.url, accountName: simulator.account.accountName, credentials: { appKey, appSecret, username, password }, limiter, now: clock })
}

async function crawl(client: ThingSpaceClient): Promise<string[]> {
  const iccids: string[] = []
  let cursor: number | undefined
  for (;;) {
    const page = await client.listDevices(cursor)
    iccids.push(...page.devices.map((device) => device.iccid))
    cursor = page.largestDeviceIdSeen
    if (!page.hasMoreData) return iccids
  }
}

async function withSimulator(options: ThingSpaceSimulatorOptions, test: (simulator: ThingSpaceSimulator) => Promise<void>): Promise<void> {
  const simulator = await startThingSpaceSimulator({ now: clock, processingMs: null, rateLimit: 1000, ...options })
  try {
    await test(simulator)
  } finally {
    await simulator.close()
  }
}

/** Active devices, and a plan each is not on. */
function movable(simulator: ThingSpaceSimulator, count: number): { iccid: string; plan: string }[] {
  const plans = simulator.account.servicePlans
  return simulator.account
    .devices()
    .filter((device) => device.state === 'active')
    .slice(0, count)
    .map((device) => ({ iccid: device.iccid, plan: plans.find((plan) => plan !== device.servicePlan)! }))
}

async function refusal(promise: Promise<unknown>): Promise<{ kind: string; errorCode: string | undefined }> {
  const error = await promise.then(
    () => assert.fail('the carrier accepted it'),
    (caught: unknown) => caught,
  )
  assert.ok(isCarrierError(error), String(error))
  return { kind: error.kind, errorCode: error.errorCode }
}

describe('the ThingSpace client against the simulator', () => {
  let simulator: ThingSpaceSimulator
  let listener: ChangeCallbackListener
  before(async () => {
    simulator = await startThingSpaceSimulator({ sims: 3000, seed: 3, now: clock, processingMs: null, rateLimit: 1000, pageSize: 700 })
    listener = await startChangeCallbackListener()
  })
  after(async () => {
    await simulator.close()
    await listener.close()
  })

  it('pages through the whole fleet by cursor, no device missed or repeated', async () => {
    const client = clientFor(simulator)
    const iccids = await crawl(client)
    assert.equal(iccids.length, simulator.account.size)
    assert.deepEqual(new Set(iccids), new Set(simulator.account.devices().map((device) => device.iccid)))
    assert.equal(simulator.stats.calls['POST /devices/actions/list'], Math.ceil(3000 / 700))
    const first = (await client.listDevices()).devices[0]!
    const sim = simulator.account.device(first.iccid)!
    assert.equal(first.servicePlan, sim.servicePlan)
    assert.equal(first.msisdn, sim.msisdn)
    assert.equal(first.billingCycleEnd, Date.UTC(2026, 11, 1))
  })

  it('reads a cycle window\'s usage as rated about 2 days in arrears (SMS 3)', async () => {
    const device = simulator.account.devices().find((candidate) => candidate.cycleBytes > 0 && candidate.cycleSms > 0)!
    const cycleStart = Date.UTC(2026, 10, 1)
    const usage = await clientFor(simulator).usage(device.iccid, { earliest: cycleStart, latest: NOW })
    // November 16 noon: data rated for the days ending by the 14th noon (1st to 13th), SMS by the 13th noon.
    const cycleMs = 30 * DAY
    assert.equal(usage.days, 13)
    assert.equal(usage.lastRatedDay, Date.UTC(2026, 10, 13))
    assert.equal(usage.dataMb, Math.round((device.cycleBytes * 13 * DAY) / cycleMs) / BYTES_PER_MB)
    assert.equal(usage.sms, Math.round((device.cycleSms * 12 * DAY) / cycleMs))
  })

  it('reads a window longer than one answer holds in several calls', async () => {
    const device = simulator.account.devices().find((candidate) => candidate.cycleBytes > 0)!
    const before = simulator.stats.calls['POST /devices/usage/actions/list'] ?? 0
    const earliest = NOW - 600 * DAY
    const usage = await clientFor(simulator).usage(device.iccid, { earliest, latest: NOW })
    const days = simulator.account.dailyUsage(device, earliest, NOW, clock())
    assert.equal(usage.days, days.length)
    assert.equal(usage.dataMb * BYTES_PER_MB, days.reduce((sum, day) => sum + day.bytes, 0))
    assert.equal((simulator.stats.calls['POST /devices/usage/actions/list'] ?? 0) - before, 2)
  })

  it('refuses usage of an unknown ICCID as not-found', async () => {
    assert.deepEqual(await refusal(clientFor(simulator).usage('89148000000000000000', { earliest: NOW - DAY, latest: NOW })), { kind: 'not-found', errorCode: THINGSPACE_ERRORS.DEVICE_NOT_FOUND })
  })

  it('changes a plan asynchronously: pending, then done, seen by polling', async () => {
    const client = clientFor(simulator)
    const [target] = movable(simulator, 1)
    const requestId = await client.changeServicePlan(target!.iccid, target!.plan)
    assert.equal(await client.changeStatus(requestId), 'pending')
    assert.notEqual(simulator.account.device(target!.iccid)!.servicePlan, target!.plan)
    await simulator.settle()
    assert.equal(await client.changeStatus(requestId), 'succeeded')
    assert.equal(simulator.account.device(target!.iccid)!.servicePlan, target!.plan)
  })

  it('tells a change\'s outcome by callback to the registered URL, and a lost callback leaves polling to tell it', async () => {
    const client = clientFor(simulator)
    await client.registerChangeCallback(listener.url)
    const [told, lost] = movable(simulator, 3).slice(1)
    const toldId = await client.changeServicePlan(told!.iccid, told!.plan)
    await simulator.settle()
    const outcome = await listener.outcomeOf(toldId)
    assert.deepEqual(outcome, { requestId: toldId, iccid: told!.iccid, succeeded: true, servicePlan: told!.plan, errorCode: undefined, reason: undefined })

    simulator.setFaults({ loseCallbacks: 1 })
    const lostId = await client.changeServicePlan(lost!.iccid, lost!.plan)
    await simulator.settle()
    simulator.setFaults({ loseCallbacks: 0 })
    assert.equal(listener.received.has(lostId), false)
    assert.equal(simulator.stats.callbacks.lost, 1)
    assert.equal(await client.changeStatus(lostId), 'succeeded')
  })

  it('refuses a fifth plan change of a device in a month, without retrying it', async () => {
    const client = clientFor(simulator)
    const device = simulator.account.devices().filter((candidate) => candidate.state === 'active')[10]!
    const [a, b] = simulator.account.servicePlans.filter((plan) => plan !== device.servicePlan)
    for (const plan of [a, b, a, b]) await client.changeServicePlan(device.iccid, plan!)
    const calls = simulator.stats.calls['PUT /devices/actions/plan']
    assert.deepEqual(await refusal(client.changeServicePlan(device.iccid, a!)), { kind: 'bad-request', errorCode: THINGSPACE_ERRORS.CHANGE_LIMIT_REACHED })
    assert.equal(simulator.stats.calls['PUT /devices/actions/plan'], calls! + 1, 'refused once, not retried')
    await simulator.settle()
    assert.deepEqual(await refusal(client.changeServicePlan(device.iccid, a!)), { kind: 'bad-request', errorCode: THINGSPACE_ERRORS.CHANGE_LIMIT_REACHED })
  })

  it('refuses a change of a suspended device, and one of an unknown plan', async () => {
    const client = clientFor(simulator)
    const [target] = movable(simulator, 20).slice(19)
    simulator.account.suspend(target!.iccid)
    assert.deepEqual(await refusal(client.changeServicePlan(target!.iccid, target!.plan)), { kind: 'bad-request', errorCode: THINGSPACE_ERRORS.DEVICE_SUSPENDED })
    const [other] = movable(simulator, 21).slice(20)
    assert.deepEqual(await refusal(client.changeServicePlan(other!.iccid, 'NO-SUCH-PLAN')), { kind: 'bad-request', errorCode: THINGSPACE_ERRORS.SERVICE_PLAN_INVALID })
  })
})

describe('ThingSpace faults the client survives', () => {
  it('a device suspended mid-push: its change fails when done, told by callback and by polling', async () => {
    await withSimulator({ sims: 200, seed: 5, suspendDuringPush: 2 }, async (simulator) => {
      const listener = await startChangeCallbackListener()
      try {
        const client = clientFor(simulator)
        await client.registerChangeCallback(listener.url)
        const ids: string[] = []
        for (const { iccid, plan } of movable(simulator, 3)) ids.push(await client.changeServicePlan(iccid, plan))
        await simulator.settle()
        const outcomes = await Promise.all(ids.map((id) => listener.outcomeOf(id)))
        assert.deepEqual(
          outcomes.map((outcome) => [outcome.succeeded, outcome.errorCode]),
          [
            [true, undefined],
            [false, THINGSPACE_ERRORS.DEVICE_SUSPENDED],
            [true, undefined],
          ],
        )
        assert.deepEqual(simulator.stats.suspendedIccids, [outcomes[1]!.iccid])
        assert.deepEqual(await Promise.all(ids.map((id) => client.changeStatus(id))), ['succeeded', 'failed', 'succeeded'])
      } finally {
        await listener.close()
      }
    })
  })

  it('late callbacks still arrive, each once', async () => {
    await withSimulator({ sims: 100, seed: 6, callbackDelayMs: 30 }, async (simulator) => {
      const listener = await startChangeCallbackListener()
      try {
        const client = clientFor(simulator)
        await client.registerChangeCallback(listener.url)
        const ids: string[] = []
        for (const { iccid, plan } of movable(simulator, 4)) ids.push(await client.changeServicePlan(iccid, plan))
        const settled = simulator.settle()
        const outcomes = await Promise.all(ids.map((id) => listener.outcomeOf(id)))
        await settled
        assert.ok(outcomes.every((outcome) => outcome.succeeded))
        assert.equal(simulator.stats.callbacks.sent, 4)
        assert.equal(listener.received.size, 4)
      } finally {
        await listener.close()
      }
    })
  })

  it('throttling (429) is retried by the call limiter until every call passes', async () => {
    await withSimulator({ sims: 100, seed: 8, rateLimit: 4 }, async (simulator) => {
      const limiter = new CallLimiter({ callsPerSecond: 20, retryBaseMs: 1, slowdownStepMs: 50 })
      const client = clientFor(simulator, limiter)
      const devices = simulator.account.devices().slice(0, 8)
      const usage = []
      for (const device of devices) usage.push(await client.usage(device.iccid, { earliest: NOW - 10 * DAY, latest: NOW }))
      assert.equal(usage.length, 8)
      assert.ok((simulator.stats.rejections['UnifiedWebService.REQUEST_FAILED.RequestThrottled'] ?? 0) > 0, 'the carrier throttled')
      assert.ok(limiter.stats.rateLimited > 0)
      assert.equal(limiter.stats.errors['rate-limited'], limiter.stats.rateLimited)
    })
  })

  it('server errors on 30% of calls: a whole crawl and its usage still read in full', async () => {
    await withSimulator({ sims: 1500, seed: 9, errorRate: 0.3, pageSize: 100 }, async (simulator) => {
      const limiter = new CallLimiter({ callsPerSecond: 500, retryBaseMs: 1, maxRetries: 10 })
      const client = clientFor(simulator, limiter)
      const iccids = await crawl(client)
      assert.equal(new Set(iccids).size, simulator.account.size)
      for (const iccid of iccids.slice(0, 20)) await client.usage(iccid, { earliest: NOW - 5 * DAY, latest: NOW })
      assert.ok(limiter.stats.retries > 0)
      assert.ok((simulator.stats.rejections['UnifiedWebService.REQUEST_FAILED.UnexpectedError'] ?? 0) > 0)
    })
  })
})
