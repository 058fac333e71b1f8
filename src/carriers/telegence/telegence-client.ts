/**
 * An AT&T Telegence foundation account (FAN) over its REST API, as plain methods: its billing accounts
 * (BANs), a BAN's subscribers page by page (paged by request headers, answered by `page-total`), one
 * subscriber's detail, and a plan (SOC) change. Every call carries the `app-id` / `app-secret` headers and
 * goes through the account's {@link CallLimiter}; answers are checked against telegence-wire.ts, and every
 * failure is a {@link CarrierError}. telegence-carrier.ts puts it behind the Carrier interface.
 */
import type { ZodType } from 'zod'
import { redactUrl, type DeviceStatus } from '../../domain/index.js'
import { carrierUrlProblem, checkResolvedHost } from '../carrier-address.js'
import type { CallLimiter } from '../call-limiter.js'
import { CarrierError, type CarrierErrorKind } from '../carrier.js'
import * as wire from './telegence-wire.js'

const DEFAULT_TIMEOUT_MS = 30_000
const QUOTE_CHARS = 120

export interface TelegenceClientOptions {
  /** The API's origin, e.g. `https://telegence.att.com`; paths are under {@link wire.API_BASE}. */
  readonly baseUrl: string
  readonly appId: string
  readonly appSecret: string
  /** The foundation account number the app acts on. */
  readonly fan: string
  readonly limiter: CallLimiter
  /** Subscribers per page, 1 to 500. Default 250 (the old system's `BatchSize`). */
  readonly pageSize?: number
  /** Per call, answer body included. Default 30,000 ms. */
  readonly timeoutMs?: number
  /** Refuse hosts resolving to loopback, private or link-local addresses. Default false. */
  readonly refusePrivateAddresses?: boolean
}

/** One page of a BAN's subscribers. */
export interface SubscriberPage {
  readonly subscribers: readonly { readonly subscriberNumber: string; readonly status: DeviceStatus }[]
  /** Pages the BAN has (`page-total`); 0 for a BAN without subscribers. */
  readonly pageTotal: number
  /** When the carrier last refreshed the list (`refresh-timestamp`), epoch ms. */
  readonly refreshedAt: number
}

/** A subscriber's detail in simopt's words. */
export interface Subscriber {
  readonly subscriberNumber: string
  readonly ban: string
  readonly status: DeviceStatus
  /** The SOC: simopt's rate plan code. */
  readonly soc: string
  readonly iccid: string
  readonly imei: string | undefined
  /** Epoch ms (UTC midnight of the date); `undefined` when never activated. */
  readonly activatedAt: number | undefined
  /** `yyyy-mm-dd` as the carrier wrote it. */
  readonly nextBillCycleDate: string
}

/** Subscriber statuses in simopt's: a suspended line is billed nothing (DEACTIVATED), a cancelled one is gone (RETIRED). */
const STATUS_OF: Readonly<Record<wire.SubscriberStatus, DeviceStatus>> = { A: 'ACTIVATED', S: 'DEACTIVATED', C: 'RETIRED', R: 'INVENTORY' }

interface Request {
  readonly method: 'GET' | 'PATCH'
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: unknown
}

interface RawAnswer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

export class TelegenceClient {
  readonly fan: string
  readonly #origin: string
  readonly #appId: string
  readonly #appSecret: string
  readonly #limiter: CallLimiter
  readonly #pageSize: number
  readonly #timeoutMs: number
  readonly #refusePrivate: boolean

  constructor(options: TelegenceClientOptions) {
    this.#origin = options.baseUrl.replace(/\/+$/, '')
    const problem = carrierUrlProblem(this.#origin, true)
    if (problem !== undefined) throw new RangeError(`Telegence baseUrl ${problem}`)
    const pageSize = options.pageSize ?? wire.DEFAULT_PAGE_SIZE
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > wire.MAX_PAGE_SIZE) throw new RangeError(`Telegence pageSize must be 1 to ${wire.MAX_PAGE_SIZE}, got ${pageSize}`)
    this.fan = options.fan
    this.#appId = options.appId
    this.#appSecret = options.appSecret
    this.#limiter = options.limiter
    this.#pageSize = pageSize
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#refusePrivate = options.refusePrivateAddresses ?? false
  }

  /** The FAN's billing account numbers, in the carrier's order. */
  async bans(): Promise<string[]> {
    const request: Request = { method: 'GET', path: wire.bansPath(this.fan) }
    return this.#call(request, wire.bansAnswer, (answer) => {
      if (answer.foundationAccountNumber !== this.fan) throw badAnswer(request, `foundationAccountNumber: asked for ${this.fan}, answered for ${answer.foundationAccountNumber}`)
      return answer.bans.map((ban) => ban.billingAccountNumber)
    })
  }

  /** Page `page` (from 1) of the BAN's subscribers. */
  async subscribers(ban: string, page: number): Promise<SubscriberPage> {
    const request: Request = {
      method: 'GET',
      path: wire.subscribersPath(ban),
      headers: { [wire.PAGE_HEADERS.currentPage]: String(page), [wire.PAGE_HEADERS.pageSize]: String(this.#pageSize) },
    }
    return this.#limiter.run(async () => {
      const answer = await this.#fetch(request)
      const body = this.#parse(request, answer, wire.subscribersAnswer)
      const totalText = answer.headers.get(wire.PAGE_HEADERS.pageTotal)
      if (totalText === null || !/^\d+$/.test(totalText)) throw badAnswer(request, `header ${wire.PAGE_HEADERS.pageTotal}: a number of pages expected, got ${JSON.stringify(totalText)}`)
      const refreshText = answer.headers.get(wire.PAGE_HEADERS.refreshTimestamp)
      const refreshedAt = refreshText === null ? Number.NaN : Date.parse(refreshText)
      if (Number.isNaN(refreshedAt)) throw badAnswer(request, `header ${wire.PAGE_HEADERS.refreshTimestamp}: a date expected, got ${JSON.stringify(refreshText)}`)
      if (body.billingAccountNumber !== ban) throw badAnswer(request, `billingAccountNumber: asked for ${ban}, answered for ${body.billingAccountNumber}`)
      if (body.subscribers.length > this.#pageSize) throw badAnswer(request, `subscribers: ${body.subscribers.length} on a page of ${this.#pageSize}`)
      return {
        subscribers: body.subscribers.map((line) => ({ subscriberNumber: line.subscriberNumber, status: STATUS_OF[line.subscriberNumberStatus] })),
        pageTotal: Number(totalText),
        refreshedAt,
      }
    })
  }

  /** One subscriber's detail. @throws CarrierError `not-found` for a subscriber the FAN does not have. */
  async subscriber(subscriberNumber: string): Promise<Subscriber> {
    const request: Request = { method: 'GET', path: wire.subscriberPath(subscriberNumber) }
    return this.#call(request, wire.subscriberDetail, (detail) => {
      if (detail.subscriberNumber !== subscriberNumber) throw badAnswer(request, `subscriberNumber: asked for ${subscriberNumber}, answered for ${detail.subscriberNumber}`)
      return {
        subscriberNumber,
        ban: detail.billingAccountNumber,
        status: STATUS_OF[detail.subscriberNumberStatus],
        soc: detail.singleUserCode,
        iccid: detail.iccid,
        imei: detail.imei ?? undefined,
        activatedAt: detail.subscriberActivatedDate === null ? undefined : Date.parse(`${detail.subscriberActivatedDate}T00:00:00Z`),
        nextBillCycleDate: detail.nextBillCycleDate,
      }
    })
  }

  /**
   * Moves the subscriber to the plan `soc`, at once. @throws CarrierError `bad-request` (errorCode
   * INVALID_SOC) for a SOC the account may not use, `not-found` for an unknown subscriber.
   */
  async changeSoc(subscriberNumber: string, soc: string): Promise<void> {
    const body: wire.SocChangeBody = { singleUserCode: soc }
    const request: Request = { method: 'PATCH', path: wire.subscriberPath(subscriberNumber), body }
    await this.#call(request, wire.socChangeAnswer, (answer) => {
      if (answer.subscriberNumber !== subscriberNumber || answer.singleUserCode !== soc) {
        throw badAnswer(request, `asked for ${subscriberNumber} on ${soc}, answered ${answer.subscriberNumber} on ${answer.singleUserCode}`)
      }
    })
  }

  /** `toDomain` runs inside the limiter's call, so that the limiter counts the bad answers it finds. */
  #call<W, D>(request: Request, schema: ZodType<W>, toDomain: (answer: W) => D): Promise<D> {
    return this.#limiter.run(async () => toDomain(this.#parse(request, await this.#fetch(request), schema)))
  }

  async #fetch(request: Request): Promise<RawAnswer> {
    const { method, path } = request
    if (this.#refusePrivate) {
      const refused = await checkResolvedHost(this.#origin)
      if (refused !== undefined) throw new CarrierError('bad-request', `${method} ${path}: not called: ${refused}`, { path })
    }
    const headers: Record<string, string> = { Accept: 'application/json', [wire.AUTH_HEADERS.appId]: this.#appId, [wire.AUTH_HEADERS.appSecret]: this.#appSecret, ...request.headers }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body)
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    try {
      const response = await fetch(`${this.#origin}${path}`, { method, headers, body, signal: AbortSignal.timeout(this.#timeoutMs) })
      return { status: response.status, headers: response.headers, text: await response.text() }
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') throw new CarrierError('timeout', `${method} ${path}: no answer within ${this.#timeoutMs} ms`, { path, cause: error })
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
      throw new CarrierError('network', `${method} ${path}: ${redactUrl(cause instanceof Error ? cause.message : String(cause))}`, { path, cause: error })
    }
  }

  #parse<T>(request: Request, answer: RawAnswer, schema: ZodType<T>): T {
    let json: unknown
    try {
      json = JSON.parse(answer.text)
    } catch {
      if (answer.status >= 200 && answer.status <= 299) throw badAnswer(request, `the answer is not JSON: ${quote(answer.text)}`, answer.status)
    }
    if (answer.status < 200 || answer.status > 299) throw errorOf(request, answer.status, json, answer.text)
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const field = issue === undefined || issue.path.length === 0 ? '(answer)' : issue.path.map(String).join('.')
      throw badAnswer(request, `${field}: ${issue?.message ?? 'does not match'}`, answer.status)
    }
    return parsed.data
  }
}

function errorOf(request: Request, status: number, json: unknown, text: string): CarrierError {
  const body = wire.errorBody.safeParse(json)
  const errorCode = body.success ? body.data.code : undefined
  const what = body.success ? `${body.data.code} ${body.data.message}` : `not a Telegence answer: ${quote(text)}`
  return new CarrierError(kindOf(status, errorCode), `${request.method} ${request.path}: ${what} (HTTP ${status})`, { errorCode, httpStatus: status, path: request.path })
}

function kindOf(status: number, errorCode: string | undefined): CarrierErrorKind {
  if (status === 429 || errorCode === wire.TELEGENCE_ERRORS.THROTTLED) return 'rate-limited'
  if (status === 401 || status === 403) return 'auth'
  if (status === 404) return 'not-found'
  if (status >= 500) return 'server'
  return 'bad-request'
}

function badAnswer(request: Request, what: string, httpStatus?: number): CarrierError {
  return new CarrierError('bad-answer', `${request.method} ${request.path}: unexpected answer, ${what}`, { path: request.path, httpStatus })
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return JSON.stringify(flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS)}…` : flat)
}
