/**
 * What simopt needs from a carrier account, in the domain's words: SIMs and their usage in MB, rate plans by
 * name, and one write, changing a SIM's rate plan. The sync and push stages use this interface only; each
 * carrier (Jasper, ThingSpace, Telegence) translates its wire format to and from it, and says as data what differs
 * (how devices are listed, whether changes complete at once, how many a SIM may have a month).
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

/** A SIM's usage since its billing cycle started, as the carrier counts it before invoicing, and its record now if the carrier says it. */
export interface CycleUsage {
  readonly iccid: string
  readonly msisdn: string | undefined
  /** MB of 1,048,576 bytes. */
  readonly dataMb: number
  /** Messages sent and received. */
  readonly sms: number
  /**
   * The SIM's record now, when the usage answer says it (Jasper's does); `undefined` when it does not
   * (ThingSpace's: one call a SIM rather than two), and the device sync's record stands.
   */
  readonly status: DeviceStatus | undefined
  readonly ratePlan: string | undefined
  readonly commPlan: string | undefined
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

/** A page of a cursor listing: every device of the account, in full, and where the next page starts. */
export interface DeviceCursorPage {
  readonly devices: readonly DeviceDetails[]
  /**
   * Pass it to the next call; `undefined` on the last page. A non-negative integer, so that a sync's
   * progress keeps it where a numbered listing keeps its page (docs/decisions.md).
   */
  readonly next: number | undefined
}

/**
 * How a carrier lists SIMs. `changed-pages`: numbered pages (from 1) of the SIMs changed in a window, with
 * details read SIM by SIM (Jasper). `cursor`: the whole account by cursor, each page in full, with no
 * window (ThingSpace has no `modifiedSince`).
 */
export type DeviceListing =
  | { readonly kind: 'changed-pages'; page(window: ChangeWindow, pageNumber: number): Promise<ChangedDevicesPage> }
  | { readonly kind: 'cursor'; page(cursor: number | undefined): Promise<DeviceCursorPage> }

/** A billing cycle's window, epoch ms: `start` inclusive, `end` exclusive. */
export interface CycleWindow {
  readonly start: number
  readonly end: number
}

/** What a change request came to at once: done (Jasper), or accepted and to be asked about later (ThingSpace). */
export type ChangeRequest = { readonly kind: 'done' } | { readonly kind: 'accepted'; readonly requestId: string }

/** Where an accepted change stands. `failed` names the carrier's reason when it gave one. */
export type ChangeOutcome = { readonly kind: 'pending' } | { readonly kind: 'succeeded' } | { readonly kind: 'failed'; readonly reason: string }

/** Why a carrier refused a change for good, when the reason is one the stages act on. */
export type ChangeRefusal = 'limit-reached' | 'suspended'

/** The rules of an account that the stages act on, as data. */
export interface CarrierTraits {
  /** Plan changes a SIM may have in one billing cycle; `undefined`: no limit (Jasper). */
  readonly planChangesPerCycle: number | undefined
  /** A suspended SIM's plan cannot change (ThingSpace). */
  readonly refusesWhileSuspended: boolean
  /** Typical time from a change request to its outcome, ms (0 when changes complete at once): the go / no-go adds it. */
  readonly changeLatencyMs: number
  /** Where cycle-to-date usage comes from: the API (`cycleUsage`, `usageByRatePlan`), or report files the carrier drops (Telegence's SFTP feed). */
  readonly usageSource: 'api' | 'feed'
}

/**
 * One carrier account. Pages are numbered from 1. Every method throws {@link CarrierError} when the carrier
 * cannot be reached or answers with an error, after the account's call limiter has spent its retries.
 */
export interface Carrier {
  readonly traits: CarrierTraits
  /** How the sync should list SIMs. */
  readonly listing: DeviceListing
  /**
   * SIMs whose record changed in `window`, by numbered pages. A carrier that lists by cursor serves it by
   * walking its cursor (and may list all SIMs, ignoring the window); the sync uses `listing`.
   */
  listDevicesChanged(window: ChangeWindow, pageNumber: number): Promise<ChangedDevicesPage>
  /** @throws CarrierError `not-found` for an ICCID the account does not have. */
  deviceDetails(iccid: string): Promise<DeviceDetails>
  /**
   * The SIM's usage in `cycle` (default: the cycle running now) so far; carriers that count the cycle
   * themselves (Jasper) ignore it. @throws CarrierError `not-found` for an ICCID the account does not have.
   */
  cycleUsage(iccid: string, cycle?: CycleWindow): Promise<CycleUsage>
  /**
   * Usage of every SIM on `ratePlan` in the cycle that started at `cycleStart` (epoch ms; its date in the
   * account's billing time zone counts). A cycle the carrier does not hold is refused (CarrierError `bad-request`).
   */
  usageByRatePlan(ratePlan: string, cycleStart: number, pageNumber: number): Promise<RatePlanUsagePage>
  ratePlans(pageNumber: number): Promise<RatePlansPage>
  /**
   * Asks for the SIM to move to `ratePlan`. Sending the same plan again changes nothing on the SIM, but on a
   * carrier that limits changes (ThingSpace) it is a request of its own, counted: never send one twice.
   */
  changeRatePlan(iccid: string, ratePlan: string): Promise<ChangeRequest>
  /** Where an `accepted` change stands. @throws CarrierError `not-found` for a request the account does not have. */
  changeOutcome(requestId: string): Promise<ChangeOutcome>
  /** What a refusal of `changeRatePlan` means, in the carrier's codes: the SIM's monthly changes used up, or the SIM suspended. */
  changeRefusal(error: CarrierError): ChangeRefusal | undefined
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
