/**
 * A ThingSpace account as a {@link Carrier}: the client's cursor pages, per-device usage and asynchronous
 * plan changes in the interface's words. ThingSpace has no communication plans: every device is given the
 * account name as its communication plan, so that a price sheet says which service plans the account allows.
 */
import { billingPeriodAt, type BillingCycle } from '../../domain/index.js'
import type {
  Carrier,
  CarrierError,
  CarrierTraits,
  ChangeRefusal,
  ChangedDevicesPage,
  ChangeOutcome,
  ChangeRequest,
  ChangeWindow,
  CycleUsage,
  CycleWindow,
  DeviceDetails,
  DeviceListing,
  RatePlansPage,
  RatePlanUsagePage,
} from '../carrier.js'
import type { ThingSpaceClient, ThingSpaceDevice } from './thingspace-client.js'
import { PLAN_CHANGES_PER_MONTH, THINGSPACE_ERRORS } from './thingspace-wire.js'

const DAY_MS = 86_400_000

/**
 * Changes are done by the carrier later; the simulator takes 2 s, Verizon publishes no figure: 15 s is
 * assumed, for the go / no-go and before an interrupted push is looked at again (docs/decisions.md).
 */
export const THINGSPACE_TRAITS: CarrierTraits = { planChangesPerCycle: PLAN_CHANGES_PER_MONTH, refusesWhileSuspended: true, changeLatencyMs: 15_000, usageSource: 'api' }

export interface ThingSpaceCarrierOptions {
  readonly client: ThingSpaceClient
  readonly accountName: string
  /** The provider's billing cycle: the usage window when the caller names none. */
  readonly cycle: BillingCycle
  readonly now?: () => number
}

export class ThingSpaceCarrier implements Carrier {
  readonly traits = THINGSPACE_TRAITS
  readonly listing: DeviceListing
  readonly #client: ThingSpaceClient
  readonly #accountName: string
  readonly #cycle: BillingCycle
  readonly #now: () => number
  /** Cursors of the numbered pages walked so far (`listDevicesChanged`): page n starts after cursors[n - 1]. */
  readonly #cursors = new Map<number, number | undefined>([[1, undefined]])

  constructor(options: ThingSpaceCarrierOptions) {
    this.#client = options.client
    this.#accountName = options.accountName
    this.#cycle = options.cycle
    this.#now = options.now ?? Date.now
    this.listing = {
      kind: 'cursor',
      page: async (cursor) => {
        const page = await this.#client.listDevices(cursor)
        return { devices: page.devices.map((device) => this.#details(device)), next: page.hasMoreData ? page.largestDeviceIdSeen : undefined }
      },
    }
  }

  /** ThingSpace has no modification window: every device, numbered pages walked by cursor. */
  async listDevicesChanged(_window: ChangeWindow, pageNumber: number): Promise<ChangedDevicesPage> {
    let known = pageNumber
    while (!this.#cursors.has(known)) known--
    for (;;) {
      const page = await this.#client.listDevices(this.#cursors.get(known))
      const lastPage = !page.hasMoreData
      if (known === pageNumber || lastPage) {
        if (known !== pageNumber) return { devices: [], lastPage: true }
        return { devices: page.devices.map((device) => this.#details(device)), lastPage }
      }
      known++
      this.#cursors.set(known, page.largestDeviceIdSeen)
    }
  }

  async deviceDetails(iccid: string): Promise<DeviceDetails> {
    return this.#details(await this.#client.device(iccid))
  }

  /**
   * One call: the device's rated usage over the cycle up to now (the device sync has just read its record,
   * so its plan and status are left `undefined`). The usage is rated about two days in arrears, so it is
   * reported as measured at the end of the last rated day: a projection over the cycle then counts the days
   * the usage covers, not the days since.
   */
  async cycleUsage(iccid: string, cycle?: CycleWindow): Promise<CycleUsage> {
    const now = this.#now()
    const window = cycle ?? toWindow(billingPeriodAt(now, this.#cycle))
    const usage = await this.#client.usage(iccid, { earliest: window.start, latest: Math.max(window.start, Math.min(window.end - 1, now)) })
    const ratedTill = usage.lastRatedDay === undefined ? window.start : Math.min(usage.lastRatedDay + DAY_MS, window.end)
    return {
      iccid,
      msisdn: undefined,
      dataMb: usage.dataMb,
      sms: usage.sms,
      status: undefined,
      ratePlan: undefined,
      commPlan: undefined,
      measuredAt: Math.min(ratedTill, usage.measuredAt),
    }
  }

  /** ThingSpace has no usage by plan: the sync reads SIM by SIM. */
  async usageByRatePlan(ratePlan: string): Promise<RatePlanUsagePage> {
    return { kind: 'not-available', reason: `ThingSpace has no usage by service plan (${ratePlan}); read device by device` }
  }

  /** All on one page: the account's service plans by code, the name a change takes. */
  async ratePlans(pageNumber: number): Promise<RatePlansPage> {
    if (pageNumber > 1) return { plans: [], lastPage: true }
    const plans = await this.#client.servicePlans()
    return { plans: plans.map(({ code }) => ({ name: code, shared: false })), lastPage: true }
  }

  async changeRatePlan(iccid: string, ratePlan: string): Promise<ChangeRequest> {
    return { kind: 'accepted', requestId: await this.#client.changeServicePlan(iccid, ratePlan) }
  }

  changeRefusal(error: CarrierError): ChangeRefusal | undefined {
    if (error.errorCode === THINGSPACE_ERRORS.CHANGE_LIMIT_REACHED) return 'limit-reached'
    if (error.errorCode === THINGSPACE_ERRORS.DEVICE_SUSPENDED) return 'suspended'
    return undefined
  }

  /** The status call does not say why a change failed (only the callback does). */
  async changeOutcome(requestId: string): Promise<ChangeOutcome> {
    const status = await this.#client.changeStatus(requestId)
    if (status === 'pending') return { kind: 'pending' }
    if (status === 'succeeded') return { kind: 'succeeded' }
    return { kind: 'failed', reason: `request ${requestId} failed at the carrier (the device may have been suspended, or reached its monthly changes)` }
  }

  #details(device: ThingSpaceDevice): DeviceDetails {
    return {
      iccid: device.iccid,
      msisdn: device.msisdn,
      imsi: device.imsi,
      imei: device.imei,
      status: device.status,
      ratePlan: device.servicePlan,
      commPlan: this.#accountName,
      activatedAt: device.activatedAt,
      // The list gives no modification time: the time it was read stands in.
      updatedAt: this.#now(),
    }
  }
}

function toWindow(period: { readonly start: number; readonly end: number }): CycleWindow {
  return { start: period.start, end: period.end }
}
