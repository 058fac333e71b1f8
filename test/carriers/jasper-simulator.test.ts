/**
 * The Jasper simulator over real HTTP: what a client meets on Control Center (auth, the call cap, paging by
 * modification date, usage, plan changes, errors) in the shapes of jasper-wire.ts, and the faults it can
 * switch on. The clock is the simulator's `now` option, so usage and the call window are exact.
 */
import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import {
  API_BASE,
  JASPER_ERRORS,
  ctdUsage,
  deviceDetails,
  deviceListPage,
  editDeviceAnswer,
  errorBody,
  formatCycleDate,
  formatRequestDate,
  parseJasperDate,
  ratePlanUsagePage,
  ratePlansPage,
  type DeviceListPage,
} from '../../src/carriers/jasper/jasper-wire.js'
import { startJasperSimulator, type JasperSimulator, type JasperSimulatorOptions } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../../src/carriers/jasper/simulator/simulated-fleet.js'
import { readProblemFiles } from '../../src/io/index.js'
import { tempDir } from '../helpers/temp-dir.js'

const DAY_MS = 86_400_000
const MAY_15 = Date.parse('2026-05-15T12:00:00.000Z')

interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
}

/** A simulator on a clock the test moves; a call cap high enough not to get in the way unless the test sets one. */
async function start(t: TestContext, options: JasperSimulatorOptions = {}): Promise<{ simulator: JasperSimulator; clock: { now: number } }> {
  const clock = { now: MAY_15 }
  const simulator = await startJasperSimulator({ sims: 120, seed: 7, rateLimit: 100_000, now: () => clock.now, ...options })
  t.after(() => simulator.close())
  return { simulator, clock }
}

async function call(
  simulator: JasperSimulator,
  path: string,
  init: { method?: string; body?: string; authorization?: string | null } = {},
): Promise<Reply> {
  const authorization =
    init.authorization === undefined ? `Basic ${Buffer.from(`${simulator.user}:${simulator.apiKey}`).toString('base64')}` : init.authorization
  const headers: Record<string, string> = authorization === null ? {} : { Authorization: authorization }
  if (init.body !== undefined) headers['Content-Type'] = 'application/json'
  const response = await fetch(`${simulator.url}${API_BASE}${path}`, { method: init.method ?? 'GET', headers, body: init.body })
  assert.equal(response.headers.get('content-type'), 'application/json')
  return { status: response.status, headers: response.headers, body: await response.json() }
}

function assertError(reply: Reply, status: number, errorCode: string | undefined): string {
  assert.equal(reply.status, status, JSON.stringify(reply.body))
  const body = errorBody.parse(reply.body)
  assert.equal(body.errorCode, errorCode, body.errorMessage)
  return body.errorMessage
}

function devicesPath(parameters: Record<string, string | number>): string {
  return `/devices?${new URLSearchParams(Object.entries(parameters).map(([key, value]): [string, string] => [key, String(value)]))}`
}

/** Every page of one `GET /devices` query, awaiting each before asking the next, as a client must. */
async function crawl(simulator: JasperSimulator, modifiedSince: number, pageSize = 50): Promise<DeviceListPage[]> {
  const pages: DeviceListPage[] = []
  for (let pageNumber = 1; ; pageNumber++) {
    const reply = await call(simulator, devicesPath({ modifiedSince: formatRequestDate(modifiedSince), pageSize, pageNumber }))
    assert.equal(reply.status, 200, JSON.stringify(reply.body))
    const page = deviceListPage.parse(reply.body)
    assert.equal(page.pageNumber, pageNumber)
    pages.push(page)
    if (page.lastPage) return pages
  }
}

describe('Jasper simulator', () => {
  it('refuses calls without credentials and with wrong ones', async (t) => {
    const { simulator } = await start(t)
    const anonymous = await call(simulator, '/echo/hi', { authorization: null })
    assert.equal(anonymous.status, 401)
    assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="Jasper"')
    assert.deepEqual(anonymous.body, { errorMessage: 'Full authentication is required to access this resource' })
    const wrongKey = `Basic ${Buffer.from(`${simulator.user}:not-the-key`).toString('base64')}`
    assert.deepEqual((await call(simulator, '/echo/hi', { authorization: wrongKey })).body, { errorMessage: 'Invalid credentials', errorCode: '10000001' })
    assertError(await call(simulator, '/echo/hi', { authorization: 'Basic !!!' }), 401, JASPER_ERRORS.INVALID_CREDENTIALS)
    assert.deepEqual((await call(simulator, '/echo/hi')).body, { echo: 'hi' })
    assert.deepEqual(simulator.stats.rejections, { none: 1, '10000001': 2 })
    assert.equal(simulator.stats.calls['GET /echo/{value}'], 4)
  })

  it('admits at most rateLimit calls in any one-second window and refuses the rest with 40000029', async (t) => {
    const { simulator, clock } = await start(t, { rateLimit: 5 })
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => call(simulator, `/echo/${i}`)))
    assert.equal(burst.filter((reply) => reply.status === 200).length, 5)
    for (const reply of burst.filter((reply) => reply.status !== 200)) {
      assert.deepEqual(reply.body, { errorCode: '40000029', errorMessage: 'Rate limit exceeded' })
      assert.equal(reply.status, 400)
    }
    assert.equal(simulator.stats.rejections['40000029'], 3)
    assert.equal(simulator.stats.calls['GET /echo/{value}'], 8)
    // The window slides: a millisecond short of a second later it is still full, a second later it is empty.
    clock.now += 999
    assertError(await call(simulator, '/echo/late'), 400, JASPER_ERRORS.RATE_LIMIT_EXCEEDED)
    clock.now += 1
    assert.equal((await call(simulator, '/echo/again')).status, 200)
  })

  it('counts calls in flight: one at a time when the client awaits each, more when it does not', async (t) => {
    const { simulator } = await start(t, { latencyMs: 100 })
    for (let i = 0; i < 3; i++) await call(simulator, '/echo/sequential')
    assert.equal(simulator.stats.maxInFlight, 1)
    await Promise.all([call(simulator, '/echo/a'), call(simulator, '/echo/b'), call(simulator, '/echo/c')])
    assert.equal(simulator.stats.maxInFlight, 3)
    assert.equal(simulator.stats.inFlight, 0)
  })

  it('pages through every device exactly once, oldest change first, when nothing changes', async (t) => {
    const { simulator, clock } = await start(t, { sims: 250 })
    const pages = await crawl(simulator, clock.now - 364 * DAY_MS, 48)
    assert.deepEqual(
      pages.map((page) => [page.devices.length, page.lastPage]),
      [[48, false], [48, false], [48, false], [48, false], [48, false], [10, true]],
    )
    // A last page that is exactly full says so.
    const exact = await crawl(simulator, clock.now - 364 * DAY_MS)
    assert.deepEqual(exact.map((page) => [page.devices.length, page.lastPage]), [[50, false], [50, false], [50, false], [50, false], [50, true]])
    const listed = pages.flatMap((page) => page.devices.map((device) => device.iccid))
    const expected = [...simulator.fleet.devices()].sort((a, b) => a.dateUpdated - b.dateUpdated || (a.iccid < b.iccid ? -1 : 1)).map((device) => device.iccid)
    assert.deepEqual(listed, expected)
    // Changes are spread over months, so that ordering by them means something.
    assert.ok(new Set(simulator.fleet.devices().map((device) => device.dateUpdated)).size > 240)

    const pastTheEnd = await call(simulator, devicesPath({ modifiedSince: formatRequestDate(clock.now - 364 * DAY_MS), pageNumber: 6 }))
    assert.deepEqual(pastTheEnd.body, { devices: [], pageNumber: 6, lastPage: true })
    const defaultPage = deviceListPage.parse((await call(simulator, devicesPath({ modifiedSince: formatRequestDate(clock.now - 364 * DAY_MS) }))).body)
    assert.deepEqual([defaultPage.devices.length, defaultPage.pageNumber], [50, 1])
  })

  it('lists only devices changed between modifiedSince and modifiedTill, inclusive', async (t) => {
    const { simulator } = await start(t)
    const changes = simulator.fleet.devices().map((device) => device.dateUpdated).sort((a, b) => a - b)
    const since = changes[10]!
    const till = changes[40]!
    // `Z` dates with milliseconds are ISO 8601 too.
    const reply = await call(simulator, devicesPath({ modifiedSince: new Date(since).toISOString(), modifiedTill: new Date(till).toISOString() }))
    assert.equal(deviceListPage.parse(reply.body).devices.length, 31)
  })

  it('refuses device list queries Control Center refuses', async (t) => {
    const { simulator, clock } = await start(t)
    const recent = formatRequestDate(clock.now - DAY_MS)
    assertError(await call(simulator, '/devices'), 400, JASPER_ERRORS.MODIFIED_SINCE_REQUIRED)
    assertError(await call(simulator, devicesPath({ pageSize: 10 })), 400, JASPER_ERRORS.MODIFIED_SINCE_REQUIRED)
    assertError(await call(simulator, devicesPath({ modifiedSince: formatRequestDate(clock.now - 366 * DAY_MS) })), 400, JASPER_ERRORS.MODIFIED_SINCE_TOO_OLD)
    assertError(await call(simulator, devicesPath({ modifiedSince: formatRequestDate(clock.now + 60_000) })), 400, JASPER_ERRORS.MODIFIED_SINCE_IN_FUTURE)
    assertError(await call(simulator, devicesPath({ modifiedSince: 'yesterday' })), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    // A `+` left unencoded reaches the server as a space.
    assertError(await call(simulator, `/devices?modifiedSince=${recent}`), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    assertError(await call(simulator, devicesPath({ modifiedSince: recent, modifiedTill: 'soon' })), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    for (const pageSize of [0, 51, 'ten', -1]) {
      assertError(await call(simulator, devicesPath({ modifiedSince: recent, pageSize })), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    }
    assertError(await call(simulator, devicesPath({ modifiedSince: recent, pageNumber: 0 })), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    const unknown = assertError(await call(simulator, devicesPath({ modifiedSince: recent, accountId: 1 })), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    assert.match(unknown, /accountId/)
    assertError(await call(simulator, `/devices?modifiedSince=${encodeURIComponent(recent)}&pageSize=5&pageSize=6`), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
  })

  it('answers device details and cycle-to-date usage in the wire shapes', async (t) => {
    const { simulator, clock } = await start(t)
    const device = simulator.fleet.devices().find((candidate) => candidate.cycleBytes > 0)!
    const details = deviceDetails.parse((await call(simulator, `/devices/${device.iccid}`)).body)
    assert.deepEqual(
      [details.iccid, details.status, details.ratePlan, details.communicationPlan, details.accountId],
      [device.iccid, device.status, device.ratePlan, device.communicationPlan, simulator.fleet.accountId],
    )
    assert.equal(parseJasperDate(details.dateUpdated), device.dateUpdated)
    assert.match(details.dateUpdated, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+0000$/)
    assert.match(details.imsi ?? '', /^\d{15}$/)
    assert.match(details.imei ?? '', /^\d{15}$/)
    const usage = ctdUsage.parse((await call(simulator, `/devices/${device.iccid}/ctdUsages`)).body)
    assert.equal(usage.iccid, device.iccid)
    assert.equal(usage.ctdDataUsage, simulator.fleet.usageAt(device, clock.now).dataBytes)
    // Every device has a date it was added and its identities, and only never-activated ones lack an activation date.
    for (const each of simulator.fleet.devices()) {
      assert.equal(each.dateActivated === null, each.status === 'INVENTORY' || each.status === 'ACTIVATION_READY', each.iccid)
      assert.ok(each.dateAdded < each.dateUpdated && each.dateUpdated <= clock.now, each.iccid)
    }
  })

  it('grows usage through the cycle, to the whole cycle\'s usage at its end', async (t) => {
    const { simulator, clock } = await start(t, { sims: 400 })
    const device = simulator.fleet.devices().find((candidate) => candidate.cycleBytes > 10 * 1_048_576 && candidate.cycleSms > 0)!
    const cycle = simulator.fleet.cycleAt(clock.now)
    const usageAt = async (at: number) => {
      clock.now = at
      return ctdUsage.parse((await call(simulator, `/devices/${device.iccid}/ctdUsages`)).body)
    }
    const first = await usageAt(cycle.start)
    const tenth = await usageAt(cycle.start + (cycle.end - cycle.start) / 10)
    const last = await usageAt(cycle.end - 1)
    assert.deepEqual([first.ctdDataUsage, first.ctdSMSUsage, first.ctdSessionCount], [0, 0, 0])
    assert.ok(Math.abs(tenth.ctdDataUsage - device.cycleBytes / 10) <= 1, `${tenth.ctdDataUsage} of ${device.cycleBytes}`)
    assert.ok(last.ctdDataUsage > tenth.ctdDataUsage && Math.abs(last.ctdDataUsage - device.cycleBytes) <= 1)
    assert.equal(last.ctdSMSUsage, device.cycleSms)
    assert.equal(device.cycleBytes, Math.round(simulator.fleet.problem.sims.usageMb[simulator.fleet.problem.sims.iccid.indexOf(device.iccid)]! * 1_048_576))
    // The next cycle starts from nothing again.
    assert.equal((await usageAt(cycle.end)).ctdDataUsage, 0)
  })

  it('bills on the account\'s cycle: usage starts again, and /usages takes the start date, in its time zone', async (t) => {
    // Cycles end at 06:00 Tokyo time on the 11th: 15 May falls in the cycle that started 11 May 06:00 JST.
    const cycle = { timeZone: 'Asia/Tokyo', cycleEndDay: 11, cycleEndHour: 6 }
    const { simulator, clock } = await start(t, { sims: 60, cycle })
    const current = simulator.fleet.cycleAt(clock.now)
    assert.deepEqual([new Date(current.start).toISOString(), new Date(current.end).toISOString()], ['2026-05-10T21:00:00.000Z', '2026-06-10T21:00:00.000Z'])
    const device = simulator.fleet.devices().find((candidate) => candidate.cycleBytes > 0)!
    clock.now = current.start
    assert.equal(ctdUsage.parse((await call(simulator, `/devices/${device.iccid}/ctdUsages`)).body).ctdDataUsage, 0)
    clock.now = current.start - 1
    assert.ok(ctdUsage.parse((await call(simulator, `/devices/${device.iccid}/ctdUsages`)).body).ctdDataUsage > 0, 'the cycle before, nearly over')
    clock.now = MAY_15
    const plan = simulator.fleet.plans.find((candidate) => !candidate.shared)!
    assert.equal((await call(simulator, `/usages?ratePlanName=${encodeURIComponent(plan.name)}&cycleStartDate=2026-05-11`)).status, 200)
    const utcDate = await call(simulator, `/usages?ratePlanName=${encodeURIComponent(plan.name)}&cycleStartDate=2026-05-10`)
    assert.match(assertError(utcDate, 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER), /the current cycle started 2026-05-11/)
  })

  it('answers usage by rate plan for unpooled plans only, on Advantage accounts only', async (t) => {
    const { simulator, clock } = await start(t, { sims: 400 })
    const { fleet } = simulator
    const plan = fleet.plans
      .filter((candidate) => !candidate.shared)
      .map((candidate) => ({ plan: candidate, devices: fleet.devices().filter((device) => device.ratePlan === candidate.name) }))
      .sort((a, b) => b.devices.length - a.devices.length)[0]!
    assert.ok(plan.devices.length > 50, 'a plan with more than one page of devices')
    const cycleStartDate = formatCycleDate(fleet.cycleAt(clock.now).start, fleet.billing.timeZone)
    const seen = new Map<string, { dataUsage: number; sms: number }>()
    for (let pageNumber = 1; ; pageNumber++) {
      const query = new URLSearchParams({ ratePlanName: plan.plan.name, cycleStartDate, pageNumber: String(pageNumber) })
      const page = ratePlanUsagePage.parse((await call(simulator, `/usages?${query}`)).body)
      for (const device of page.zones.flatMap((zone) => zone.devices)) {
        seen.set(device.deviceId, { dataUsage: device.usage.dataUsage, sms: device.usage.smsMOUsage + device.usage.smsMTUsage })
      }
      if (page.lastPage) break
    }
    assert.equal(seen.size, plan.devices.length)
    for (const device of plan.devices) {
      const usage = fleet.usageAt(device, clock.now)
      assert.deepEqual(seen.get(device.iccid), { dataUsage: usage.dataBytes, sms: usage.sms })
    }
    const pooled = fleet.plans.find((candidate) => candidate.shared)!
    assertError(await call(simulator, `/usages?ratePlanName=${encodeURIComponent(pooled.name)}`), 400, JASPER_ERRORS.ROLE_NOT_ALLOWED)
    assertError(await call(simulator, '/usages?ratePlanName=NO-SUCH-PLAN'), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    assertError(await call(simulator, '/usages'), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    const lastCycle = formatCycleDate(fleet.cycleAt(clock.now).start - DAY_MS, fleet.billing.timeZone)
    assertError(await call(simulator, `/usages?ratePlanName=${plan.plan.name}&cycleStartDate=${lastCycle}`), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)

    const essential = (await start(t, { advantage: false })).simulator
    assertError(await call(essential, `/usages?ratePlanName=${encodeURIComponent(plan.plan.name)}`), 400, JASPER_ERRORS.ROLE_NOT_ALLOWED)
  })

  it('lists the rate plans with whether they pool', async (t) => {
    const { simulator } = await start(t)
    const page = ratePlansPage.parse((await call(simulator, '/rateplans')).body)
    assert.equal(page.lastPage, true)
    assert.deepEqual(
      page.ratePlans.map((plan) => [plan.name, plan.shared]),
      simulator.fleet.problem.plans.map((plan) => [plan.code, plan.pooled]),
    )
    const second = ratePlansPage.parse((await call(simulator, '/rateplans?pageSize=5&pageNumber=2')).body)
    assert.deepEqual(second.ratePlans.map((plan) => plan.name), page.ratePlans.slice(5, 10).map((plan) => plan.name))
    assert.equal(second.lastPage, false)
  })

  it('changes a rate plan on PUT: a later read sees it and the device moves to the end of the modification order', async (t) => {
    const { simulator, clock } = await start(t)
    const [device] = deviceListPage.parse((await call(simulator, devicesPath({ modifiedSince: formatRequestDate(clock.now - 300 * DAY_MS) }))).body).devices
    assert.ok(device !== undefined)
    const target = simulator.fleet.plans.find((plan) => plan.name !== device.ratePlan)!.name
    clock.now += 1000
    const put = await call(simulator, `/devices/${device.iccid}`, { method: 'PUT', body: JSON.stringify({ ratePlan: target }) })
    assert.equal(put.status, 200)
    assert.deepEqual(editDeviceAnswer.parse(put.body), { iccid: device.iccid })
    const details = deviceDetails.parse((await call(simulator, `/devices/${device.iccid}`)).body)
    assert.equal(details.ratePlan, target)
    assert.equal(parseJasperDate(details.dateUpdated), clock.now)
    const all = (await crawl(simulator, clock.now - 300 * DAY_MS)).flatMap((page) => page.devices)
    assert.equal(all.length, simulator.fleet.size)
    assert.deepEqual(all.at(-1), { ...device, ratePlan: target })
    // An incremental sync from just before the change finds it alone.
    const since = deviceListPage.parse((await call(simulator, devicesPath({ modifiedSince: formatRequestDate(clock.now - 500) }))).body)
    assert.deepEqual(since.devices.map((each) => each.iccid), [device.iccid])

    assertError(await call(simulator, `/devices/${device.iccid}`, { method: 'PUT', body: '{ratePlan:' }), 400, JASPER_ERRORS.JSON_NOT_WELL_FORMED)
    assertError(await call(simulator, `/devices/${device.iccid}`, { method: 'PUT', body: '{"ratePlan":"NO-SUCH-PLAN"}' }), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    assertError(await call(simulator, `/devices/${device.iccid}`, { method: 'PUT', body: '{"status":"ACTIVATED"}' }), 400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER)
    assertError(await call(simulator, '/devices/8900000000000000000', { method: 'PUT', body: JSON.stringify({ ratePlan: target }) }), 404, JASPER_ERRORS.INVALID_ICCID)
    assert.equal(simulator.fleet.device(device.iccid)!.ratePlan, target)
  })

  it('answers 404 for unknown devices and paths', async (t) => {
    const { simulator } = await start(t)
    assert.equal(
      assertError(await call(simulator, '/devices/8900000000000000000'), 404, JASPER_ERRORS.INVALID_ICCID),
      'Resource not found - Invalid ICCID',
    )
    assertError(await call(simulator, '/devices/8900000000000000000/ctdUsages'), 404, JASPER_ERRORS.INVALID_ICCID)
    assertError(await call(simulator, '/no-such-function'), 404, undefined)
    assertError(await call(simulator, '/devices', { method: 'DELETE' }), 404, undefined)
    const outside = await fetch(`${simulator.url}/rws/api/v2/echo/x`, { headers: { Authorization: `Basic ${Buffer.from('demo:demo-key').toString('base64')}` } })
    assert.equal(outside.status, 404)
    assert.equal(simulator.stats.calls.other, 3)
  })

  it('answers a share of calls with server error 30000001, the same ones for the same seed', async (t) => {
    const outcomes = async (errorRate: number) => {
      const { simulator } = await start(t, { errorRate })
      const statuses: number[] = []
      for (let i = 0; i < 200; i++) {
        const reply = await call(simulator, `/echo/${i}`)
        if (reply.status !== 200) assertError(reply, 500, JASPER_ERRORS.SERVER_ERROR)
        statuses.push(reply.status)
      }
      assert.equal(simulator.stats.rejections['30000001'] ?? 0, statuses.filter((status) => status === 500).length)
      return statuses
    }
    const first = await outcomes(0.2)
    const failures = first.filter((status) => status === 500).length
    assert.ok(failures > 15 && failures < 70, `${failures} of 200 failed`)
    assert.deepEqual(await outcomes(0.2), first)
    assert.ok((await outcomes(1)).every((status) => status === 500))
    // Faults change while the simulator runs, and are checked.
    const { simulator } = await start(t, { errorRate: 1 })
    simulator.setFaults({ errorRate: 0 })
    assert.equal((await call(simulator, '/echo/healed')).status, 200)
    assert.throws(() => simulator.setFaults({ errorRate: 2 }), /error rate must be 0 to 1/)
    assert.equal(simulator.faults.errorRate, 0)
  })

  it('changes a device on an already served page mid-crawl, so a naive crawl misses one, once per crawl', async (t) => {
    const { simulator, clock } = await start(t, { sims: 200, shiftDuringCrawl: true })
    const before = [...simulator.fleet.devices()].sort((a, b) => a.dateUpdated - b.dateUpdated || (a.iccid < b.iccid ? -1 : 1)).map((device) => device.iccid)
    const since = clock.now - 300 * DAY_MS
    const pages = await crawl(simulator, since)
    assert.equal(simulator.stats.shiftedIccids.length, 1)
    const shifted = simulator.stats.shiftedIccids[0]!
    assert.equal(shifted, before[0], 'the first device of page 1')
    const listed = pages.flatMap((page) => page.devices.map((device) => device.iccid))
    // The device that slid from page 2 onto page 1 is never seen; the changed one is seen twice.
    assert.deepEqual(before.filter((iccid) => !listed.includes(iccid)), [before[50]])
    assert.deepEqual(listed.filter((iccid) => iccid === shifted).length, 2)
    const [firstSeen, lastSeen] = pages.flatMap((page) => page.devices).filter((device) => device.iccid === shifted)
    assert.notEqual(firstSeen!.ratePlan, lastSeen!.ratePlan)
    assert.equal(simulator.fleet.device(shifted)!.dateUpdated, clock.now)

    // Starting over, the same crawl is not disturbed again and sees every device.
    const again = (await crawl(simulator, since)).flatMap((page) => page.devices.map((device) => device.iccid))
    assert.equal(new Set(again).size, 200)
    assert.equal(simulator.stats.shiftedIccids.length, 1)
  })

  it('makes the same fleet for the same seed and clock, and writes its price sheet as simopt files', async (t) => {
    const { simulator } = await start(t, { plans: 9 })
    const twin = (await start(t, { plans: 9 })).simulator
    assert.deepEqual(twin.fleet.devices(), simulator.fleet.devices())
    const statuses = new Set(simulator.fleet.devices().map((device) => device.status))
    assert.ok(statuses.has('ACTIVATED') && statuses.size > 1, [...statuses].join())
    const folder = await tempDir()
    const files = await writeSimulatedPriceSheet(folder, simulator.fleet)
    const problem = await readProblemFiles(files, { periodDays: 31, prorate: false })
    assert.deepEqual(problem.plans.map((plan) => plan.code), simulator.fleet.plans.map((plan) => plan.name))
    const allowed = new Map(problem.commPlans.map((commPlan) => [commPlan.name, new Set(commPlan.allowedPlans.map((index) => problem.plans[index]!.code))]))
    for (const device of simulator.fleet.devices()) assert.ok(allowed.get(device.communicationPlan)?.has(device.ratePlan), device.iccid)
  })
})
