/**
 * What simopt needs from a carrier account, in the domain's words: SIMs and their usage in MB, rate plans by
 * name, and one write, changing a SIM's rate plan. The sync and push stages use this interface only; a
 * carrier's client (Jasper today) translates its wire format to and from it.
 */
import { SimoptError, type DeviceStatus, type ErrorCode } from '../domain/index.js'

/**
 * A span of modification times, epoch ms. Carriers may count to the second only (Jasper does, and both ends
 * are then rounded down), so the next window should start where the last one ended, not a millisecond later.
 */
export interface ChangeWindow {
  readonly since: number
  readonly till: number
}

/** A SIM as the change list names it: enough to know whether to ask for more. */
export interface ListedDevice {
  readonly iccid: string
  readonly status: DeviceStatus
  readonly ratePlan: string
  readonly commPlan: string
}

/** One page of SIMs changed in a window, oldest change first. */
export interface ChangedDevicesPage {
  readonly devices: readonly ListedDevice[]
  readonly lastPage: boolean
}

/** A SIM's record at the carrier. Identifiers the carrier does not know are `undefined`. */
export interface DeviceDetails {
  readonly iccid: string
  readonly msisdn: string | undefined
  readonly imsi: string | undefined
  readonly imei: string | undefined
  readonly status: DeviceStatus
  readonly ratePlan: string
  readonly commPlan: string
  /** Epoch ms; `undefined` for a SIM never activated. */
  readonly activatedAt: number | undefined
  /** Epoch ms of the record's last change. */
  readonly updatedAt: number
}

/** A SIM's usage since its billing cycle started, as the carrier counts it before invoicing, and its record now. */
export interface CycleUsage {
  readonly iccid: string
  readonly msisdn: string | undefined
  /** MB of 1,048,576 bytes. */
  readonly dataMb: number
  /** Messages sent and received. */
  readonly sms: number
  readonly status: DeviceStatus
  readonly ratePlan: string
  readonly commPlan: string
  /** Epoch ms at which the client received the answer: usage keeps growing after it. */
  readonly measuredAt: number
}

/** One SIM's usage in a page of a rate plan's usage. */
export interface PlanDeviceUsage {
  readonly iccid: string
  /** MB of 1,048,576 bytes. */
  readonly dataMb: number
  /** Messages sent and received. */
  readonly sms: number
}

/**
 * A page of a rate plan's usage in one cycle, or `not-available` when the carrier will not give usage by
 * rate plan: on an account without that function (Jasper: Essential accounts) or for a shared plan. The
 * caller then asks SIM by SIM (`cycleUsage`).
 */
export type RatePlanUsagePage =
  | { readonly kind: 'usage'; readonly devices: readonly PlanDeviceUsage[]; readonly lastPage: boolean }
  | { readonly kind: 'not-available'; readonly reason: string }

/** A published rate plan; prices come from the price sheet, not from the carrier. */
export interface CarrierRatePlan {
  readonly name: string
  /** Shared (pooled) plans have no usage by rate plan. */
  readonly shared: boolean
}

export interface RatePlansPage {
  readonly plans: readonly CarrierRatePlan[]
  readonly lastPage: boolean
}

/**
 * One carrier account. Pages are numbered from 1. Every method throws {@link CarrierError} when the carrier
 * cannot be reached or answers with an error, after the account's call limiter has spent its retries.
 */
export interface Carrier {
  /** SIMs whose record changed in `window`. */
  listDevicesChanged(window: ChangeWindow, pageNumber: number): Promise<ChangedDevicesPage>
  /** @throws CarrierError `not-found` for an ICCID the account does not have. */
  deviceDetails(iccid: string): Promise<DeviceDetails>
  /** @throws CarrierError `not-found` for an ICCID the account does not have. */
  cycleUsage(iccid: string): Promise<CycleUsage>
  /**
   * Usage of every SIM on `ratePlan` in the cycle that started at `cycleStart` (epoch ms; its date in the
   * account's billing time zone counts). A cycle the carrier does not hold is refused (CarrierError `bad-request`).
   */
  usageByRatePlan(ratePlan: string, cycleStart: number, pageNumber: number): Promise<RatePlanUsagePage>
  ratePlans(pageNumber: number): Promise<RatePlansPage>
  /** Moves the SIM to `ratePlan` at once. Sending the same plan again changes nothing. */
  changeRatePlan(iccid: string, ratePlan: string): Promise<void>
}

export const CARRIER_ERROR_KINDS = [
  /** Credentials refused, or the caller's address is not allowed (Jasper 10000001, HTTP 401). */
  'auth',
  /** More calls than the account may make (Jasper 40000029). */
  'rate-limited',
  /** No such SIM (Jasper 20000001), or no such path: a 404 that is not the API's (wrong host). */
  'not-found',
  /** Any other refusal of the request (other 4xx); `errorCode` says which. */
  'bad-request',
  /** The carrier failed (5xx, Jasper 30000001). */
  'server',
  /** No answer within the client's timeout. */
  'timeout',
  /** The connection failed: DNS, refused, reset. */
  'network',
  /** The account's circuit breaker is open after repeated failures; the call was not made. */
  'circuit-open',
  /** A success answer that is not what the API promises; the message names the field. */
  'bad-answer',
] as const

export type CarrierErrorKind = (typeof CARRIER_ERROR_KINDS)[number]

/** Kinds that may pass when the same call is made again shortly: the call limiter retries these. */
export const RETRYABLE_KINDS: readonly CarrierErrorKind[] = ['timeout', 'network', 'server', 'rate-limited']

export interface CarrierErrorDetails {
  /** The carrier's own error code (Jasper: `10000001`, …), when it gave one. */
  readonly errorCode?: string | undefined
  readonly httpStatus?: number | undefined
  /** The path called, with its query string; `undefined` when no call was made (`circuit-open`). */
  readonly path?: string | undefined
  readonly cause?: unknown
}

/** The stable error code each kind is reported under (API, exit code, the job runner's retry). */
const CODE_OF_KIND: Readonly<Record<CarrierErrorKind, ErrorCode>> = {
  auth: 'CARRIER_AUTH_FAILED',
  'rate-limited': 'CARRIER_RATE_LIMITED',
  'not-found': 'CARRIER_REFUSED',
  'bad-request': 'CARRIER_REFUSED',
  server: 'CARRIER_UNREACHABLE',
  timeout: 'CARRIER_UNREACHABLE',
  network: 'CARRIER_UNREACHABLE',
  // The circuit closes again: later work may pass, though the same call made now will not.
  'circuit-open': 'CARRIER_UNREACHABLE',
  'bad-answer': 'CARRIER_BAD_ANSWER',
}

/**
 * A carrier call that failed. `kind` says what the carrier did, for the call limiter; `code` (from the kind)
 * is what the rest of simopt acts on.
 */
export class CarrierError extends SimoptError {
  override readonly name = 'CarrierError'
  readonly errorCode: string | undefined
  readonly httpStatus: number | undefined
  readonly path: string | undefined

  constructor(
    readonly kind: CarrierErrorKind,
    message: string,
    details: CarrierErrorDetails = {},
  ) {
    super(CODE_OF_KIND[kind], message, { cause: details.cause })
    this.errorCode = details.errorCode
    this.httpStatus = details.httpStatus
    this.path = details.path
  }

  /**
   * Whether making the same call again shortly may succeed (see {@link RETRYABLE_KINDS}): narrower than the
   * code's `retryable`, which also counts work tried again later, after an open circuit has closed.
   */
  override get retryable(): boolean {
    return RETRYABLE_KINDS.includes(this.kind)
  }
}

export function isCarrierError(error: unknown): error is CarrierError {
  return error instanceof CarrierError
}
