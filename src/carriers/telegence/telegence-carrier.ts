/**
 * A Telegence foundation account as a {@link Carrier}. Devices are listed BAN by BAN, page by page, each
 * subscriber then read in full (its SOC and ICCID are in its detail only); the cursor the sync keeps names
 * the BAN and the page. Telegence serves no usage over its API: usage comes from its SFTP report files
 * (src/carriers/telegence/feed/), so the usage calls here refuse. A plan change is a SOC change, done at
 * once. Telegence addresses subscribers by number, simopt its SIMs by ICCID: `subscriberOf` (the store's
 * MSISDN of the SIM) links them.
 */
import { CarrierError } from '../carrier.js'
import type {
  Carrier,
  CarrierTraits,
  ChangedDevicesPage,
  ChangeOutcome,
  ChangeRefusal,
  ChangeRequest,
  CycleUsage,
  DeviceCursorPage,
  DeviceDetails,
  DeviceListing,
  RatePlansPage,
  RatePlanUsagePage,
} from '../carrier.js'
import type { Subscriber, TelegenceClient } from './telegence-client.js'

/** Pages a BAN may have in a cursor: cursor = BAN index · PAGE_SPAN + page. */
const PAGE_SPAN = 1_000_000

/** Changes are done at once, with no monthly limit simopt knows of (docs/decisions.md). */
export const TELEGENCE_TRAITS: CarrierTraits = { planChangesPerCycle: undefined, refusesWhileSuspended: false, changeLatencyMs: 0, usageSource: 'feed' }

export interface TelegenceCarrierOptions {
  readonly client: TelegenceClient
  /** The subscriber number of a SIM simopt has synced, by ICCID; `undefined` for one it does not know. */
  readonly subscriberOf: (iccid: string) => Promise<string | undefined>
  readonly now?: () => number
}

export class TelegenceCarrier implements Carrier {
  readonly traits = TELEGENCE_TRAITS
  readonly listing: DeviceListing
  readonly #client: TelegenceClient
  readonly #subscriberOf: (iccid: string) => Promise<string | undefined>
  readonly #now: () => number
  #bans: Promise<string[]> | undefined

  constructor(options: TelegenceCarrierOptions) {
    this.#client = options.client
    this.#subscriberOf = options.subscriberOf
    this.#now = options.now ?? Date.now
    this.listing = { kind: 'cursor', page: (cursor) => this.#page(cursor ?? 1) }
  }

  /** Page `cursor % PAGE_SPAN` of BAN `⌊cursor / PAGE_SPAN⌋`, every subscriber read in full. */
  async #page(cursor: number): Promise<DeviceCursorPage> {
    this.#bans ??= this.#client.bans()
    const bans = await this.#bans
    let banIndex = Math.floor(cursor / PAGE_SPAN)
    let page = cursor % PAGE_SPAN
    // Empty BANs are passed over: each costs one call that lists nothing.
    for (; banIndex < bans.length; banIndex++, page = 1) {
      const listed = await this.#client.subscribers(bans[banIndex]!, page)
      if (listed.pageTotal >= PAGE_SPAN) throw new CarrierError('bad-answer', `BAN ${bans[banIndex]} has ${listed.pageTotal} pages; simopt follows at most ${PAGE_SPAN - 1}`)
      if (listed.subscribers.length === 0 && page >= listed.pageTotal) continue
      // All of a page's details asked for at once: the account's limiter keeps them to the calls it may have in flight.
      const details = await Promise.all(
        listed.subscribers.map(async (line) => {
          try {
            return this.#details(await this.#client.subscriber(line.subscriberNumber))
          } catch (error) {
            // Cancelled between the list and its detail: the next sync no longer lists it.
            if (error instanceof CarrierError && error.kind === 'not-found') return undefined
            throw error
          }
        }),
      )
      const devices = details.filter((device): device is DeviceDetails => device !== undefined)
      const lastOfBan = page >= listed.pageTotal
      const next = lastOfBan ? (banIndex + 1 < bans.length ? (banIndex + 1) * PAGE_SPAN + 1 : undefined) : banIndex * PAGE_SPAN + page + 1
      return { devices, next }
    }
    return { devices: [], next: undefined }
  }

  /** Telegence lists no modification window: numbered pages are the cursor's pages in order. */
  async listDevicesChanged(): Promise<ChangedDevicesPage> {
    throw new CarrierError('bad-request', 'Telegence lists subscribers by BAN and page only; the sync reads them by cursor')
  }

  async deviceDetails(iccid: string): Promise<DeviceDetails> {
    return this.#details(await this.#client.subscriber(await this.#subscriber(iccid)))
  }

  async cycleUsage(iccid: string): Promise<CycleUsage> {
    throw new CarrierError('bad-request', `Telegence serves no usage over its API (asked for ${iccid}); usage comes from its SFTP report files`)
  }

  async usageByRatePlan(ratePlan: string): Promise<RatePlanUsagePage> {
    return { kind: 'not-available', reason: `Telegence serves no usage over its API (${ratePlan}); usage comes from its SFTP report files` }
  }

  /** Telegence has no plan catalogue call simopt uses: the SOCs come from the price sheet. */
  async ratePlans(): Promise<RatePlansPage> {
    return { plans: [], lastPage: true }
  }

  async changeRatePlan(iccid: string, ratePlan: string): Promise<ChangeRequest> {
    await this.#client.changeSoc(await this.#subscriber(iccid), ratePlan)
    return { kind: 'done' }
  }

  /** Changes are done at once: there is no request to ask about. */
  async changeOutcome(requestId: string): Promise<ChangeOutcome> {
    throw new CarrierError('not-found', `Telegence has no change requests (asked for ${requestId}); changes are done at once`)
  }

  changeRefusal(): ChangeRefusal | undefined {
    return undefined
  }

  async #subscriber(iccid: string): Promise<string> {
    const number = await this.#subscriberOf(iccid)
    if (number === undefined) throw new CarrierError('not-found', `SIM ${iccid} has no Telegence subscriber number in simopt; sync the provider's devices first`)
    return number
  }

  #details(line: Subscriber): DeviceDetails {
    return {
      iccid: line.iccid,
      msisdn: line.subscriberNumber,
      imsi: undefined,
      imei: line.imei,
      status: line.status,
      ratePlan: line.soc,
      // Mobility SIMs move within their optimization group, not a communication plan: the FAN stands in.
      commPlan: this.#client.fan,
      activatedAt: line.activatedAt,
      updatedAt: this.#now(),
    }
  }
}
