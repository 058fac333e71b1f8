/**
 * A Verizon ThingSpace account over its Connectivity Management API, as plain methods: devices by cursor
 * pages, one device's usage over a window, an asynchronous service plan change and its outcome. Every call
 * goes through the account's {@link CallLimiter}; answers are checked against thingspace-wire.ts, and every
 * failure is a {@link CarrierError}. thingspace-carrier.ts puts it behind the {@link Carrier} interface.
 */
import type { ZodType } from 'zod'
import { bytesToMb, redactUrl, type DeviceStatus } from '../../domain/index.js'
import { carrierUrlProblem, checkResolvedHost } from '../carrier-address.js'
import { CallLimiter } from '../call-limiter.js'
import { CarrierError } from '../carrier.js'
import { ThingSpaceAuth, type AuthStats, type ThingSpaceCredentials } from './thingspace-auth.js'
import { badAnswer, errorOfAnswer, quote, refusedToken, type RawAnswer, type Request } from './thingspace-errors.js'
import * as wire from './thingspace-wire.js'

const DEFAULT_TIMEOUT_MS = 30_000

export interface ThingSpaceClientOptions {
  /** `https://thingspace.verizon.com`: the host both the OAuth and the M2M paths are under. */
  readonly baseUrl: string
  /** The billing account, leading zeros included: `0000123456-00001`. */
  readonly accountName: string
  readonly credentials: ThingSpaceCredentials
  /** The account's limiter, shared with every other client of the same account. */
  readonly limiter: CallLimiter
  /** Per call, answer body included. Default 30,000 ms. */
  readonly timeoutMs?: number
  /** Epoch ms, for token lifetimes and `measuredAt`. Default `Date.now`. */
  readonly now?: () => number
  /** Refuse hosts resolving to loopback, private or link-local addresses (see JasperClientOptions). Default false. */
  readonly refusePrivateAddresses?: boolean
}

/** A device as the list gives it. Identifiers the carrier does not have are `undefined`. */
export interface ThingSpaceDevice {
  /** The carrier's numeric device id: what the list's cursor counts in. */
  readonly deviceId: number
  readonly iccid: string
  readonly imsi: string | undefined
  readonly msisdn: string | undefined
  readonly imei: string | undefined
  /** `carrierInformations.state` as the carrier wrote it. */
  readonly state: string
  /** The state in simopt's statuses (docs/decisions.md has the mapping). */
  readonly status: DeviceStatus
  /** `carrierInformations.servicePlan`: simopt's rate plan. */
  readonly servicePlan: string
  /** Epoch ms the device's current billing cycle ends. */
  readonly billingCycleEnd: number
  /** Epoch ms; `undefined` for a device never activated. */
  readonly activatedAt: number | undefined
}

export interface ThingSpaceDevicePage {
  readonly devices: readonly ThingSpaceDevice[]
  /** Pass it to the next `listDevices`; `undefined` when the page was empty. */
  readonly largestDeviceIdSeen: number | undefined
  readonly hasMoreData: boolean
  /** Devices of the page without an ICCID, which simopt cannot follow (the old system skipped them too). */
  readonly withoutIccid: number
}

/** One device's usage over a window, as rated so far. */
export interface ThingSpaceUsage {
  readonly iccid: string
  /** MB of 1,048,576 bytes. */
  readonly dataMb: number
  readonly sms: number
  /** Daily records read. */
  readonly days: number
  /** Epoch ms of the start of the last day with rated usage (about 2 days in arrears); `undefined` without any. */
  readonly lastRatedDay: number | undefined
  /** Epoch ms at which the answer came. */
  readonly measuredAt: number
}

export type ChangeStatus = 'pending' | 'succeeded' | 'failed'

const STATUS_OF_STATE: Readonly<Record<wire.DeviceState, DeviceStatus>> = {
  active: 'ACTIVATED',
  // Suspended lines keep their number and plan but use nothing: inactive, as Jasper's DEACTIVATED.
  suspend: 'DEACTIVATED',
  // Deactivated lines are no longer billed.
  deactive: 'RETIRED',
  'pending activation': 'ACTIVATION_READY',
  'pre-active': 'INVENTORY',
}

export class ThingSpaceClient {
  readonly #origin: string
  readonly #accountName: string
  readonly #limiter: CallLimiter
  readonly #timeoutMs: number
  readonly #now: () => number
  readonly #refusePrivate: boolean
  readonly #auth: ThingSpaceAuth

  constructor(options: ThingSpaceClientOptions) {
    this.#origin = options.baseUrl.replace(/\/+$/, '')
    const problem = carrierUrlProblem(this.#origin, true)
    if (problem !== undefined) throw new RangeError(`ThingSpace baseUrl ${problem}`)
    this.#accountName = options.accountName
    this.#limiter = options.limiter
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#now = options.now ?? Date.now
    this.#refusePrivate = options.refusePrivateAddresses ?? false
    this.#auth = new ThingSpaceAuth({
      credentials: options.credentials,
      now: this.#now,
      post: async (path, headers, body, schema) => {
        const request: Request = { method: 'POST', path, body }
        return this.#parse(request, await this.#fetch(request, headers, body), schema)
      },
    })
  }

  /** Token requests made so far. */
  get authStats(): AuthStats {
    return this.#auth.stats
  }

  /** Up to 2,000 devices after `largestDeviceIdSeen` (from the first without it), in device id order. */
  async listDevices(largestDeviceIdSeen?: number): Promise<ThingSpaceDevicePage> {
    const body: wire.DeviceListBody = largestDeviceIdSeen === undefined ? { accountName: this.#accountName } : { accountName: this.#accountName, largestDeviceIdSeen }
    return this.#list(body)
  }

  /** One device by its ICCID. @throws CarrierError `not-found` for an ICCID the account does not have. */
  async device(iccid: string): Promise<ThingSpaceDevice> {
    const body: wire.DeviceListBody = { accountName: this.#accountName, deviceId: { kind: 'iccId', id: iccid } }
    const page = await this.#list(body)
    const device = page.devices.find((found) => found.iccid === iccid)
    if (device === undefined) throw badAnswer({ method: 'POST', path: wire.DEVICE_LIST_PATH }, `devices: asked for ${iccid}, answered without it`)
    return device
  }

  #list(body: wire.DeviceListBody): Promise<ThingSpaceDevicePage> {
    const request: Request = { method: 'POST', path: wire.DEVICE_LIST_PATH, body }
    return this.#call(request, wire.deviceListPage, (page) => {
      const devices: ThingSpaceDevice[] = []
      let largest: number | undefined
      let withoutIccid = 0
      page.devices.forEach((device, i) => {
        const deviceId = deviceIdOf(device, request, i)
        largest = largest === undefined ? deviceId : Math.max(largest, deviceId)
        const ids = new Map(device.deviceIds.map(({ kind, id }) => [kind.toLowerCase(), id]))
        const iccid = ids.get('iccid')
        if (iccid === undefined) {
          withoutIccid++
          return
        }
        const carrier = device.carrierInformations[0]!
        devices.push({
          deviceId,
          iccid,
          imsi: ids.get('imsi'),
          msisdn: ids.get('msisdn') ?? ids.get('mdn'),
          imei: ids.get('imei'),
          state: carrier.state,
          status: statusOf(carrier.state, request, `devices[${i}].carrierInformations[0].state`),
          servicePlan: carrier.servicePlan,
          billingCycleEnd: Date.parse(device.billingCycleEndDate),
          activatedAt: device.lastActivationDate == null ? undefined : Date.parse(device.lastActivationDate),
        })
      })
      // Without a device there is no cursor to go on from: asking again would start from the first page.
      if (page.hasMoreData && largest === undefined) throw badAnswer(request, 'hasMoreData: true on a page without devices')
      return { devices, largestDeviceIdSeen: largest, hasMoreData: page.hasMoreData, withoutIccid }
    })
  }

  /**
   * The device's daily usage with timestamps in `[earliest, latest]` (epoch ms), summed; several calls when
   * the window holds more than 500 days of records. @throws CarrierError `not-found` for an unknown ICCID.
   */
  async usage(iccid: string, window: { readonly earliest: number; readonly latest: number }): Promise<ThingSpaceUsage> {
    let bytes = 0
    let sms = 0
    let days = 0
    let lastRatedDay: number | undefined
    for (let earliest = window.earliest; ; ) {
      const body: wire.UsageBody = { deviceId: { kind: 'iccId', id: iccid }, earliest: wire.formatDate(earliest), latest: wire.formatDate(window.latest) }
      const page = await this.#call({ method: 'POST', path: wire.DEVICE_USAGE_PATH, body }, wire.usagePage, (answer) => answer)
      for (const record of page.usageHistory) {
        bytes += record.bytesUsed
        sms += record.smsUsed
        days++
        const day = Date.parse(record.timestamp)
        lastRatedDay = lastRatedDay === undefined ? day : Math.max(lastRatedDay, day)
      }
      // Records are whole seconds apart at least: the next page starts a second after the last one read.
      if (!page.hasMoreData) break
      // A page that does not move the window on would be asked for again and again.
      if (lastRatedDay === undefined || lastRatedDay < earliest) {
        throw badAnswer({ method: 'POST', path: wire.DEVICE_USAGE_PATH }, `hasMoreData: true, but no record at or after ${wire.formatDate(earliest)}`)
      }
      earliest = lastRatedDay + 1000
    }
    // Bytes are added before converting, so the MB are exactly the total bytes / 1,048,576.
    return { iccid, dataMb: bytesToMb(bytes), sms, days, lastRatedDay, measuredAt: this.#now() }
  }

  /**
   * Asks for the device to move to `servicePlan`; the change happens later. Returns the request id its
   * outcome carries (callback or {@link changeStatus}). Refused at once (CarrierError `bad-request` with
   * `errorCode`) for a plan not of the account, a suspended device, or a device with its 4 changes this month.
   */
  async changeServicePlan(iccid: string, servicePlan: string): Promise<string> {
    const body: wire.ChangePlanBody = { accountName: this.#accountName, devices: [{ deviceIds: [{ kind: 'iccId', id: iccid }] }], servicePlan }
    return this.#call({ method: 'PUT', path: wire.CHANGE_PLAN_PATH, body }, wire.requestAccepted, (answer) => answer.requestId)
  }

  /** Where a change request stands. @throws CarrierError `not-found` for a request id the account does not have. */
  async changeStatus(requestId: string): Promise<ChangeStatus> {
    const request: Request = { method: 'GET', path: wire.requestStatusPath(this.#accountName, requestId) }
    return this.#call(request, wire.requestStatus, (answer) => {
      if (answer.requestId !== requestId) throw badAnswer(request, `requestId: asked for ${requestId}, answered for ${answer.requestId}`)
      return answer.status === 'Pending' ? 'pending' : answer.status === 'Success' ? 'succeeded' : 'failed'
    })
  }

  /** Has the carrier POST change outcomes (CarrierService callbacks) to `url`. */
  async registerChangeCallback(url: string): Promise<void> {
    const body: wire.RegisterCallbackBody = { name: wire.CARRIER_SERVICE, url }
    await this.#call({ method: 'POST', path: wire.callbacksPath(this.#accountName), body }, wire.callbackRegistered, () => undefined)
  }

  /** The account's service plans: names and the codes a change names. */
  async servicePlans(): Promise<readonly { readonly name: string; readonly code: string }[]> {
    return this.#call({ method: 'GET', path: wire.servicePlansPath(this.#accountName) }, wire.servicePlans, (plans) => plans.map(({ name, code }) => ({ name, code })))
  }

  /** `toDomain` runs inside the limiter's call, so that the limiter counts the bad answers it finds. */
  #call<W, D>(request: Request, schema: ZodType<W>, toDomain: (answer: W) => D): Promise<D> {
    return this.#limiter.run(async () => toDomain(await this.#m2m(request, schema)))
  }

  /**
   * One M2M call with both tokens. A 401 renews the token it names and tries again: at most twice, since
   * both tokens may have expired and the carrier names one refusal at a time (the gateway checks the bearer
   * token before the platform checks the session).
   */
  async #m2m<T>(request: Request, schema: ZodType<T>): Promise<T> {
    const body = request.body === undefined ? undefined : JSON.stringify(request.body)
    for (let attempt = 0; ; attempt++) {
      const tokens = await this.#auth.tokens()
      const headers: Record<string, string> = { Authorization: `Bearer ${tokens.accessToken}`, 'VZ-M2M-Token': tokens.sessionToken }
      if (body !== undefined) headers['Content-Type'] = 'application/json'
      const answer = await this.#fetch(request, headers, body)
      if (answer.status === 401 && attempt < 2) {
        this.#auth.refused(tokens, refusedToken(answer.text))
        continue
      }
      return this.#parse(request, answer, schema)
    }
  }

  async #fetch(request: Request, headers: Readonly<Record<string, string>>, body: string | undefined): Promise<RawAnswer> {
    const path = request.path
    if (this.#refusePrivate) {
      const refused = await checkResolvedHost(this.#origin)
      if (refused !== undefined) throw new CarrierError('bad-request', `${request.method} ${path}: not called: ${refused}`, { path })
    }
    try {
      const response = await fetch(`${this.#origin}${path}`, {
        method: request.method,
        headers: { Accept: 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
      return { status: response.status, contentType: response.headers.get('content-type') ?? 'no content type', text: await response.text() }
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new CarrierError('timeout', `${request.method} ${path}: no answer within ${this.#timeoutMs} ms`, { path, cause: error })
      }
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
      const reason = redactUrl(cause instanceof Error ? cause.message : String(cause))
      throw new CarrierError('network', `${request.method} ${path}: ${reason}`, { path, cause: error })
    }
  }

  #parse<T>(request: Request, answer: RawAnswer, schema: ZodType<T>): T {
    if (answer.status < 200 || answer.status > 299) throw errorOfAnswer(request, answer)
    let json: unknown
    try {
      json = JSON.parse(answer.text)
    } catch {
      throw badAnswer(request, `the answer is not JSON: ${quote(answer.text)}`, answer.status)
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const field = issue === undefined || issue.path.length === 0 ? '(answer)' : issue.path.map(String).join('.')
      throw badAnswer(request, `${field}: ${issue?.message ?? 'does not match'}`, answer.status)
    }
    return parsed.data
  }
}

export interface CreateThingSpaceClientOptions {
  readonly baseUrl: string
  readonly accountName: string
  readonly credentials: ThingSpaceCredentials
  /** Default 10 (an assumption: docs/decisions.md). */
  readonly callsPerSecond?: number
  /** Default 1. */
  readonly maxInFlight?: number
  readonly timeoutMs?: number
}

/** A client with a limiter of its own; a second client of the same account must share it (`new ThingSpaceClient({ …, limiter })`). */
export function createThingSpaceClient(options: CreateThingSpaceClientOptions): ThingSpaceClient {
  const { baseUrl, accountName, credentials, callsPerSecond = 10, maxInFlight, timeoutMs } = options
  const limiter = new CallLimiter({ name: `thingspace ${accountName}@${new URL(baseUrl).host}`, callsPerSecond, maxInFlight })
  return new ThingSpaceClient({ baseUrl, accountName, credentials, limiter, timeoutMs })
}

/** The `DeviceId` extended attribute: the number the list's cursor counts in. */
function deviceIdOf(device: wire.ListedDevice, request: Request, index: number): number {
  const text = device.extendedAttributes?.find(({ key }) => key === wire.DEVICE_ID_ATTRIBUTE)?.value
  if (text === undefined || !/^\d+$/.test(text)) throw badAnswer(request, `devices[${index}].extendedAttributes: no numeric ${wire.DEVICE_ID_ATTRIBUTE}, got ${JSON.stringify(text ?? null)}`)
  return Number(text)
}

function statusOf(state: string, request: Request, field: string): DeviceStatus {
  const known = wire.DEVICE_STATES.find((name) => name === state.toLowerCase())
  if (known === undefined) throw badAnswer(request, `${field}: ${JSON.stringify(state)} is not a ThingSpace state (${wire.DEVICE_STATES.join(', ')})`)
  return STATUS_OF_STATE[known]
}
