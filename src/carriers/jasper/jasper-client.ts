/**
 * simopt's {@link Carrier} on a Jasper (Cisco IoT Control Center) account, over its REST API `rws/api/v1`
 * (../shared/reference/jasper_api.md). Every call goes through the account's {@link CallLimiter}; answers are
 * checked against the wire schemas of jasper-wire.ts and turned into domain values, failures into
 * {@link CarrierError}s.
 */
import type { ZodType } from 'zod'
import { bytesToMb, DEVICE_STATUSES, redactUrl, type DeviceStatus } from '../../domain/index.js'
import { carrierUrlProblem, checkResolvedHost } from '../carrier-address.js'
import { CallLimiter } from '../call-limiter.js'
import {
  CarrierError,
  isCarrierError,
  type Carrier,
  type CarrierTraits,
  type ChangeOutcome,
  type ChangeRefusal,
  type ChangeRequest,
  type CarrierErrorKind,
  type ChangedDevicesPage,
  type ChangeWindow,
  type CycleUsage,
  type DeviceDetails,
  type DeviceListing,
  type PlanDeviceUsage,
  type RatePlansPage,
  type RatePlanUsagePage,
} from '../carrier.js'
import * as wire from './jasper-wire.js'

const DEFAULT_TIMEOUT_MS = 30_000
/** How much of an answer that is not the API's to quote in a message. */
const QUOTE_CHARS = 120

export interface JasperClientOptions {
  /** The account's REST host, `https://restapiN.jasper.com` (not the console's host). */
  readonly baseUrl: string
  readonly user: string
  readonly apiKey: string
  /** The account's limiter, shared with every other client of the same account. */
  readonly limiter: CallLimiter
  /** Per call, answer body included. Default 30,000 ms. */
  readonly timeoutMs?: number
  /** Epoch ms, for `measuredAt`. Default `Date.now`. */
  readonly now?: () => number
  /** The account's billing time zone: cycles start on dates there. Default `UTC`. */
  readonly timeZone?: string
  /**
   * Refuse to call when the host resolves to a loopback, private or link-local address (checked before
   * each call, so a name that changes its answer is caught too). Default false: the service sets it
   * unless `SIMOPT_ALLOW_PRIVATE_CARRIER_URLS` is true.
   */
  readonly refusePrivateAddresses?: boolean
}

type Query = Readonly<Record<string, string | number>>

interface Request {
  readonly method: 'GET' | 'PUT'
  /** Below `/rws/api/v1`, with its query string. */
  readonly path: string
  readonly body?: unknown
}

/** Jasper applies a change when it answers, and limits neither how often nor in which state. */
export const JASPER_TRAITS: CarrierTraits = { planChangesPerCycle: undefined, refusesWhileSuspended: false, changeLatencyMs: 0, usageSource: 'api' }

export class JasperClient implements Carrier {
  readonly #origin: string
  readonly #authorization: string
  readonly #limiter: CallLimiter
  readonly #timeoutMs: number
  readonly #now: () => number
  readonly #timeZone: string
  readonly #refusePrivate: boolean

  constructor(options: JasperClientOptions) {
    this.#origin = options.baseUrl.replace(/\/+$/, '')
    const problem = carrierUrlProblem(this.#origin, true)
    if (problem !== undefined) throw new RangeError(`Jasper baseUrl ${problem}`)
    this.#refusePrivate = options.refusePrivateAddresses ?? false
    this.#authorization = `Basic ${Buffer.from(`${options.user}:${options.apiKey}`).toString('base64')}`
    this.#limiter = options.limiter
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#now = options.now ?? Date.now
    this.#timeZone = options.timeZone ?? 'UTC'
  }

  readonly traits = JASPER_TRAITS

  readonly listing: DeviceListing = { kind: 'changed-pages', page: (window, pageNumber) => this.listDevicesChanged(window, pageNumber) }

  async listDevicesChanged(window: ChangeWindow, pageNumber: number): Promise<ChangedDevicesPage> {
    // The API takes whole seconds: the window is widened to them, never narrowed (a change at 05.300 with
    // the window ending at 05.900 must not fall out of a window that ends at 05.000). Both ends are
    // inclusive, so consecutive windows overlap by up to a second; reading a device twice changes nothing.
    const query = {
      modifiedSince: wire.formatRequestDate(Math.floor(window.since / 1000) * 1000),
      modifiedTill: wire.formatRequestDate(Math.ceil(window.till / 1000) * 1000),
      pageSize: wire.MAX_PAGE_SIZE,
      pageNumber,
    }
    const request = get('/devices', query)
    return this.#call(request, wire.deviceListPage, (page) => ({
      devices: page.devices.map((device, i) => ({
        iccid: device.iccid,
        status: statusOf(device.status, request, `devices[${i}].status`),
        ratePlan: device.ratePlan,
        commPlan: device.communicationPlan,
      })),
      lastPage: page.lastPage,
    }))
  }

  async deviceDetails(iccid: string): Promise<DeviceDetails> {
    const request = get(`/devices/${encodeURIComponent(iccid)}`)
    return this.#call(request, wire.deviceDetails, (device) => ({
      iccid: device.iccid,
      msisdn: device.msisdn ?? undefined,
      imsi: device.imsi ?? undefined,
      imei: device.imei ?? undefined,
      status: statusOf(device.status, request, 'status'),
      ratePlan: device.ratePlan,
      commPlan: device.communicationPlan,
      // The schema has checked both dates' format, so parsing cannot throw.
      activatedAt: device.dateActivated == null ? undefined : wire.parseJasperDate(device.dateActivated),
      updatedAt: wire.parseJasperDate(device.dateUpdated),
    }))
  }

  async cycleUsage(iccid: string): Promise<CycleUsage> {
    const request = get(`/devices/${encodeURIComponent(iccid)}/ctdUsages`)
    return this.#call(request, wire.ctdUsage, (usage) => ({
      iccid: usage.iccid,
      msisdn: usage.msisdn ?? undefined,
      dataMb: bytesToMb(usage.ctdDataUsage),
      sms: usage.ctdSMSUsage,
      status: statusOf(usage.status, request, 'status'),
      ratePlan: usage.ratePlan,
      commPlan: usage.communicationPlan,
      measuredAt: this.#now(),
    }))
  }

  /** Jasper answers `10000030` both on an Essential account and for a shared plan: `not-available`. */
  async usageByRatePlan(ratePlan: string, cycleStart: number, pageNumber: number): Promise<RatePlanUsagePage> {
    const request = get('/usages', {
      ratePlanName: ratePlan,
      cycleStartDate: wire.formatCycleDate(cycleStart, this.#timeZone),
      pageSize: wire.MAX_PAGE_SIZE,
      pageNumber,
    })
    // Inside the limiter's call, so that an expected refusal is not counted as an error.
    const page = await this.#limiter.run(async () => {
      try {
        return await this.#send(request, wire.ratePlanUsagePage)
      } catch (error) {
        if (isCarrierError(error) && error.errorCode === wire.JASPER_ERRORS.ROLE_NOT_ALLOWED) return error
        throw error
      }
    })
    if (page instanceof CarrierError) return { kind: 'not-available', reason: page.message }
    return { kind: 'usage', devices: devicesOfZones(page), lastPage: page.lastPage }
  }

  async ratePlans(pageNumber: number): Promise<RatePlansPage> {
    return this.#call(get('/rateplans', { pageSize: wire.MAX_PAGE_SIZE, pageNumber }), wire.ratePlansPage, (page) => ({
      plans: page.ratePlans.map(({ name, shared }) => ({ name, shared })),
      lastPage: page.lastPage,
    }))
  }

  async changeRatePlan(iccid: string, ratePlan: string): Promise<ChangeRequest> {
    const body: wire.EditDeviceBody = { ratePlan }
    const request: Request = { method: 'PUT', path: `/devices/${encodeURIComponent(iccid)}`, body }
    await this.#call(request, wire.editDeviceAnswer, (answer) => {
      if (answer.iccid !== iccid) throw badAnswer(request, `iccid: the change of ${iccid} was answered for ${answer.iccid}`)
    })
    return { kind: 'done' }
  }

  /** Jasper limits neither: its refusals are failures like any other. */
  changeRefusal(): ChangeRefusal | undefined {
    return undefined
  }

  /** Jasper never answers `accepted`: there is no request to ask about. */
  async changeOutcome(requestId: string): Promise<ChangeOutcome> {
    throw new CarrierError('not-found', `Jasper has no change request ${requestId}: its changes complete when answered`)
  }

  /** `toDomain` runs inside the limiter's call, so that the limiter counts the bad answers it finds. */
  #call<W, D>(request: Request, schema: ZodType<W>, toDomain: (answer: W) => D): Promise<D> {
    return this.#limiter.run(async () => toDomain(await this.#send(request, schema)))
  }

  async #send<T>(request: Request, schema: ZodType<T>): Promise<T> {
    const headers: Record<string, string> = { Authorization: this.#authorization, Accept: 'application/json' }
    if (request.body !== undefined) headers['Content-Type'] = 'application/json'
    let response: Response
    let text: string
    if (this.#refusePrivate) {
      const refused = await checkResolvedHost(this.#origin)
      if (refused !== undefined) throw new CarrierError('bad-request', `${request.method} ${fullPath(request)}: not called: ${refused}`, { path: fullPath(request) })
    }
    try {
      response = await fetch(`${this.#origin}${wire.API_BASE}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
      text = await response.text()
    } catch (error) {
      throw this.#transportError(request, error)
    }
    if (!response.ok) throw errorOfAnswer(request, response, text)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw badAnswer(request, `the answer is not JSON: ${quote(text)}`, response.status)
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const field = issue === undefined ? '(answer)' : fieldPath(issue.path)
      throw badAnswer(request, `${field}: ${issue?.message ?? 'does not match'}`, response.status)
    }
    return parsed.data
  }

  #transportError(request: Request, error: unknown): CarrierError {
    const path = fullPath(request)
    if (error instanceof Error && error.name === 'TimeoutError') {
      return new CarrierError('timeout', `${request.method} ${path}: no answer within ${this.#timeoutMs} ms`, { path, cause: error })
    }
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is in its cause.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
    // A message may quote the URL (an address that cannot be parsed or called): never its password.
    const reason = redactUrl(cause instanceof Error ? cause.message : String(cause))
    return new CarrierError('network', `${request.method} ${path}: ${reason}`, { path, cause: error })
  }
}

export interface CreateJasperClientOptions {
  readonly baseUrl: string
  readonly user: string
  readonly apiKey: string
  /** Default 5 (jasper_api.md §8). */
  readonly callsPerSecond?: number
  /** Default 1. */
  readonly maxInFlight?: number
  /** Default 30,000 ms. */
  readonly timeoutMs?: number
}

/**
 * A client with a limiter of its own. Make one per account and share it; a second client of the same account
 * needs the same limiter (`new JasperClient({ …, limiter })`), or the two together exceed the budget.
 */
export function createJasperClient(options: CreateJasperClientOptions): JasperClient {
  const { baseUrl, user, apiKey, callsPerSecond, maxInFlight, timeoutMs } = options
  const limiter = new CallLimiter({ name: `jasper ${user}@${new URL(baseUrl).host}`, callsPerSecond, maxInFlight })
  return new JasperClient({ baseUrl, user, apiKey, limiter, timeoutMs })
}

function get(path: string, query?: Query): Request {
  // URLSearchParams encodes the `+` of date offsets, which a server would otherwise read as a space.
  const search = query === undefined ? '' : `?${new URLSearchParams(Object.entries(query).map(([name, value]): [string, string] => [name, String(value)]))}`
  return { method: 'GET', path: `${path}${search}` }
}

function fullPath(request: Request): string {
  return `${wire.API_BASE}${request.path}`
}

/** A device's usage is split by zone; one device may have usage in several. */
function devicesOfZones(page: wire.RatePlanUsagePage): PlanDeviceUsage[] {
  const byIccid = new Map<string, { dataBytes: number; sms: number }>()
  for (const zone of page.zones) {
    for (const { deviceId, usage } of zone.devices) {
      const total = byIccid.get(deviceId) ?? { dataBytes: 0, sms: 0 }
      total.dataBytes += usage.dataUsage
      total.sms += usage.smsMOUsage + usage.smsMTUsage
      byIccid.set(deviceId, total)
    }
  }
  // Bytes are added before converting, so a device's MB is exactly its total bytes / 1,048,576.
  return [...byIccid].map(([iccid, { dataBytes, sms }]) => ({ iccid, dataMb: bytesToMb(dataBytes), sms }))
}

function statusOf(value: string, request: Request, field: string): DeviceStatus {
  const status = DEVICE_STATUSES.find((known) => known === value)
  if (status === undefined) throw badAnswer(request, `${field}: ${JSON.stringify(value)} is not a SIM status (${DEVICE_STATUSES.join(', ')})`)
  return status
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(answer)'
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('')
}

function badAnswer(request: Request, what: string, httpStatus?: number): CarrierError {
  const path = fullPath(request)
  return new CarrierError('bad-answer', `${request.method} ${path}: unexpected answer, ${what}`, { path, httpStatus })
}

/** Jasper's `{errorCode, errorMessage}`, or whatever else answered (an HTML page from the wrong host). */
function errorOfAnswer(request: Request, response: Response, text: string): CarrierError {
  const path = fullPath(request)
  const status = response.status
  const body = parseErrorBody(text)
  const errorCode = body?.errorCode
  const kind = kindOf(status, errorCode)
  let what: string
  if (body !== undefined) {
    what = errorCode === undefined ? body.errorMessage : `${errorCode} ${body.errorMessage}`
  } else {
    const type = response.headers.get('content-type') ?? 'no content type'
    what = `not a Jasper answer (${type}): ${quote(text)}`
    if (status === 404) what += '; is baseUrl the REST API host (restapiN.jasper.com), not the Control Center console?'
  }
  return new CarrierError(kind, `${request.method} ${path}: ${what} (HTTP ${status})`, { errorCode, httpStatus: status, path })
}

function parseErrorBody(text: string): wire.ErrorBody | undefined {
  try {
    const parsed = wire.errorBody.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** The error code decides where it is known: Jasper answers a rate-limit error with HTTP 400. */
function kindOf(status: number, errorCode: string | undefined): CarrierErrorKind {
  const codes = wire.JASPER_ERRORS
  if (errorCode === codes.RATE_LIMIT_EXCEEDED || status === 429) return 'rate-limited'
  if (errorCode === codes.INVALID_CREDENTIALS || status === 401 || status === 403) return 'auth'
  if (errorCode === codes.INVALID_ICCID || status === 404) return 'not-found'
  if (errorCode === codes.SERVER_ERROR || status >= 500) return 'server'
  return 'bad-request'
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return JSON.stringify(flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS)}…` : flat)
}
