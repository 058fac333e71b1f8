/**
 * The ThingSpace carrier as the stages see it, built by `carrierFor` from a provider row, against the
 * simulator over real HTTP: cursor listing of the whole account, numbered pages walked by cursor, one
 * device, usage over a cycle, an asynchronous change and its outcome, refusals the stages act on, and the
 * settings it cannot do without.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { isCarrierError, type Carrier } from '../../src/carriers/index.js'
import { startThingSpaceSimulator, type ThingSpaceSimulator } from '../../src/carriers/thingspace/simulator/thingspace-simulator.js'
import { PLAN_CHANGES_PER_MONTH } from '../../src/carriers/thingspace/thingspace-wire.js'
import { loadConfig } from '../../src/config.js'
import { billingPeriodAt } from '../../src/domain/index.js'
import { carrierFor, carrierTraits, hasCarrierApi } from '../../src/jobs/carrier-for.js'
import type { ProviderRow } from '../../src/store/accounts.js'
import { secretBox } from '../../src/store/secret-box.js'

const config = loadConfig({ SIMOPT_SECRET_KEY: 'thingspace carrier test key, long enough', SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'true' })

function providerOf(simulator: ThingSpaceSimulator, withAccount = true): ProviderRow {
  const carrierAccount = { clientId: simulator.appKey, clientSecret: simulator.appSecret, accountName: simulator.account.accountName }
  return {
    id: `thingspace-carrier-test-${withAccount}`,
    tenant_id: 't',
    name: 'verizon',
    integration: 'thingspace',
    time_zone: 'UTC',
    cycle_end_day: 0,
    cycle_end_hour: 0,
    settings: JSON.stringify({ callsPerSecond: 200 }),
    base_url: simulator.url,
    credentials: secretBox(config).seal(JSON.stringify({ user: simulator.username, apiKey: simulator.password, url: simulator.url, ...(withAccount ? { carrierAccount } : {}) })),
    devices_synced_till: null,
    created_at: 0,
  }
}

describe('the ThingSpace carrier', () => {
  let simulator: ThingSpaceSimulator
  let carrier: Carrier
  before(async () => {
    simulator = await startThingSpaceSimulator({ sims: 120, pageSize: 50, rateLimit: 1000, processingMs: null, seed: 7 })
    carrier = carrierFor(providerOf(simulator), config)
  })
  after(() => simulator.close())

  it('is a carrier API with its limits as data', () => {
    assert.ok(hasCarrierApi('thingspace') && hasCarrierApi('jasper') && !hasCarrierApi('files'))
    assert.equal(carrierTraits('thingspace')?.planChangesPerCycle, PLAN_CHANGES_PER_MONTH)
    assert.equal(carrierTraits('jasper')?.planChangesPerCycle, undefined)
    assert.equal(carrier.traits.refusesWhileSuspended, true)
  })

  it('lists the whole account by cursor, and serves numbered pages by walking it', async () => {
    assert.equal(carrier.listing.kind, 'cursor')
    if (carrier.listing.kind !== 'cursor') return
    const iccids: string[] = []
    let cursor: number | undefined
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 10, 'the cursor ends')
      const page = await carrier.listing.page(cursor)
      iccids.push(...page.devices.map((device) => device.iccid))
      assert.ok(page.devices.every((device) => device.commPlan === simulator.account.accountName))
      if (page.next === undefined) break
      cursor = page.next
    }
    assert.deepEqual(iccids, simulator.account.devices().map((device) => device.iccid))
    const window = { since: 0, till: Date.now() }
    const third = await carrier.listDevicesChanged(window, 3)
    assert.deepEqual(third.devices.map((device) => device.iccid), iccids.slice(100, 150))
    assert.equal(third.lastPage, true)
    assert.deepEqual((await carrier.listDevicesChanged(window, 2)).devices.map((device) => device.iccid), iccids.slice(50, 100))
    assert.deepEqual(await carrier.listDevicesChanged(window, 4), { devices: [], lastPage: true })
  })

  it('reads one device and its usage over the cycle, measured as far as it is rated', async () => {
    const device = simulator.account.devices()[5]!
    const details = await carrier.deviceDetails(device.iccid)
    assert.equal(details.ratePlan, device.servicePlan)
    assert.equal(details.msisdn, device.msisdn)
    const period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 })
    const usage = await carrier.cycleUsage(device.iccid, { start: period.start, end: period.end })
    assert.equal(usage.ratePlan, undefined, 'one call: the record comes from the device sync')
    assert.ok(usage.dataMb >= 0 && usage.measuredAt >= period.start && usage.measuredAt <= Date.now())
    await assert.rejects(carrier.deviceDetails('8900000000000000000'), (error) => isCarrierError(error) && error.kind === 'not-found')
  })

  it('changes a plan asynchronously, and names the refusals the stages act on', async () => {
    const [first, second] = simulator.account.devices().filter((device) => device.state === 'active')
    const target = simulator.account.servicePlans.find((plan) => plan !== first!.servicePlan)!
    const request = await carrier.changeRatePlan(first!.iccid, target)
    assert.equal(request.kind, 'accepted')
    if (request.kind !== 'accepted') return
    assert.deepEqual(await carrier.changeOutcome(request.requestId), { kind: 'pending' })
    await simulator.settle()
    assert.deepEqual(await carrier.changeOutcome(request.requestId), { kind: 'succeeded' })
    assert.equal((await carrier.deviceDetails(first!.iccid)).ratePlan, target)

    for (let i = 0; i < PLAN_CHANGES_PER_MONTH; i++) simulator.account.countChange(second!.iccid, Date.now())
    const refused = await carrier.changeRatePlan(second!.iccid, target).then(() => undefined, (error: unknown) => error)
    assert.ok(isCarrierError(refused) && !refused.retryable)
    assert.equal(carrier.changeRefusal(refused), 'limit-reached')
  })

  it('needs the client id, secret and account', () => {
    assert.throws(() => carrierFor(providerOf(simulator, false), config), { code: 'SETTING_MISSING', message: /--client-id --client-secret --account/ })
  })
})
