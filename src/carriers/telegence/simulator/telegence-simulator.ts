/**
 * An AT&T Telegence simulator: a real HTTP server on 127.0.0.1 answering the calls of telegence-wire.ts for
 * one foundation account (BANs, subscribers paged by headers, subscriber detail, SOC change), and, when
 * given a folder, the carrier's usage report files written into it (the folder an SFTP server serves).
 * Faults to switch on: throttling, server errors, latency, and SOC changes answered but not made.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import { Random } from '../../../demo/index.js'
import { SimoptError, type BillingCycle } from '../../../domain/index.js'
import { RateWindow } from '../../jasper/simulator/rate-window.js'
import { listenOnLoopback, parseJsonBody, readBody } from '../../loopback-server.js'
import * as wire from '../telegence-wire.js'
import { MOBILITY_CATALOG } from './mobility-catalog.js'
import { ReportFiles } from './report-files.js'
import { SimulatedFan } from './simulated-fan.js'

/** What can go wrong; all can change while it runs ({@link TelegenceSimulator.setFaults}). */
export interface TelegenceFaults {
  /** Calls per second the app may make (sliding second); more answer 429. */
  readonly rateLimit: number
  /** Share of admitted calls, 0..1, answered 500; which ones follows from the seed. */
  readonly errorRate: number
  /** Added before every answer, ms. */
  readonly latencyMs: number
  /** Every this many SOC changes (the Nth, 2Nth, …) is answered COMPLETED but not made; 0: never. */
  readonly dropChangeEvery: number
}

export interface TelegenceSimulatorOptions extends Partial<TelegenceFaults> {
  readonly port?: number
  /** Subscribers in the FAN (default 3000). */
  readonly sims?: number
  readonly bans?: number
  readonly seed?: number
  readonly appId?: string
  readonly appSecret?: string
  readonly fan?: string
  readonly cycle?: BillingCycle
  /** Where the usage report files go (the SFTP server's folder); without it none are written. */
  readonly feedFolder?: string
}

export interface TelegenceSimulatorStats {
  /** Calls by route (`other` for unknown paths), refused ones included. */
  readonly calls: Readonly<Record<string, number>>
  /** Refusals by error code. */
  readonly rejections: Readonly<Record<string, number>>
  /** SOC changes made, in order. */
  readonly changes: readonly { readonly subscriberNumber: string; readonly soc: string; readonly made: boolean }[]
}

export interface TelegenceSimulator {
  readonly url: string
  readonly appId: string
  readonly appSecret: string
  readonly account: SimulatedFan
  readonly stats: TelegenceSimulatorStats
  readonly faults: TelegenceFaults
  /** The report file writer; `undefined` without a feed folder. */
  readonly reports: ReportFiles | undefined
  setFaults(faults: Partial<TelegenceFaults>): void
  close(): Promise<void>
}

interface Answer {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

class Rejection extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const SOCS = new Set(MOBILITY_CATALOG.map((plan) => plan.soc))

/** Starts a simulator. @throws SimoptError `INPUT_INVALID` for options out of range. */
export async function startTelegenceSimulator(options: TelegenceSimulatorOptions = {}): Promise<TelegenceSimulator> {
  const seed = options.seed ?? 1
  const appId = options.appId ?? 'demo-app-id'
  const appSecret = options.appSecret ?? 'demo-app-secret'
  let faults = checkFaults({ rateLimit: options.rateLimit ?? 20, errorRate: options.errorRate ?? 0, latencyMs: options.latencyMs ?? 0, dropChangeEvery: options.dropChangeEvery ?? 0 })
  const account = new SimulatedFan({ lines: options.sims ?? 3000, seed, cycle: options.cycle ?? { timeZone: 'UTC', cycleEndDay: 1, cycleEndHour: 0 }, ...(options.bans === undefined ? {} : { bans: options.bans }), ...(options.fan === undefined ? {} : { fan: options.fan }) })
  const reports = options.feedFolder === undefined ? undefined : new ReportFiles(options.feedFolder, account)
  const stats = { calls: {} as Record<string, number>, rejections: {} as Record<string, number>, changes: [] as { subscriberNumber: string; soc: string; made: boolean }[] }
  const window = new RateWindow()
  const errors = new Random(seed ^ 0x7e1e_9e4c)

  const handle = (request: IncomingMessage, pathname: string, body: string): Answer => {
    if (request.headers[wire.AUTH_HEADERS.appId] !== appId || request.headers[wire.AUTH_HEADERS.appSecret] !== appSecret) {
      throw new Rejection(401, wire.TELEGENCE_ERRORS.UNAUTHORIZED, 'app-id or app-secret missing or not valid')
    }
    if (!window.admit(Date.now(), faults.rateLimit)) throw new Rejection(429, wire.TELEGENCE_ERRORS.THROTTLED, 'too many requests; slow down')
    if (faults.errorRate > 0 && errors.next() < faults.errorRate) throw new Rejection(500, wire.TELEGENCE_ERRORS.SERVER_ERROR, 'unexpected error')
    const route = routeOf(request.method ?? '', pathname)
    if (route === undefined) throw new Rejection(404, wire.TELEGENCE_ERRORS.NOT_FOUND, `no resource ${request.method} ${pathname}`)
    switch (route.name) {
      case 'bans': {
        if (route.id !== account.fan) throw new Rejection(404, wire.TELEGENCE_ERRORS.NOT_FOUND, `no foundation account ${route.id}`)
        const answer: wire.BansAnswer = { foundationAccountNumber: account.fan, bans: account.bans.map((ban) => ({ billingAccountNumber: ban, banStatus: 'Open' })) }
        return { status: 200, body: answer }
      }
      case 'subscribers': {
        const lines = account.linesOf(route.id)
        if (lines === undefined) throw new Rejection(404, wire.TELEGENCE_ERRORS.NOT_FOUND, `no billing account ${route.id}`)
        const page = wholeHeader(request, wire.PAGE_HEADERS.currentPage, 1)
        const size = wholeHeader(request, wire.PAGE_HEADERS.pageSize, 1)
        if (size > wire.MAX_PAGE_SIZE) throw new Rejection(400, wire.TELEGENCE_ERRORS.BAD_REQUEST, `page-size must be at most ${wire.MAX_PAGE_SIZE}`)
        const answer: wire.SubscribersAnswer = {
          billingAccountNumber: route.id,
          subscribers: lines.slice((page - 1) * size, page * size).map((line) => ({ subscriberNumber: line.subscriberNumber, subscriberNumberStatus: line.status })),
        }
        const headers = { [wire.PAGE_HEADERS.pageTotal]: String(Math.ceil(lines.length / size)), [wire.PAGE_HEADERS.refreshTimestamp]: new Date().toISOString() }
        return { status: 200, body: answer, headers }
      }
      case 'subscriber': {
        const line = account.line(route.id)
        if (line === undefined) throw new Rejection(404, wire.TELEGENCE_ERRORS.NOT_FOUND, `no subscriber ${route.id}`)
        if (request.method === 'PATCH') {
          const change = wire.socChangeBody.safeParse(parseJsonBody(body))
          if (!change.success) throw new Rejection(400, wire.TELEGENCE_ERRORS.BAD_REQUEST, 'the body must be {"singleUserCode": "…"}')
          if (!SOCS.has(change.data.singleUserCode)) throw new Rejection(400, wire.TELEGENCE_ERRORS.INVALID_SOC, `SOC ${change.data.singleUserCode} is not offered to this account`)
          const made = !(faults.dropChangeEvery > 0 && (stats.changes.length + 1) % faults.dropChangeEvery === 0)
          if (made) line.soc = change.data.singleUserCode
          stats.changes.push({ subscriberNumber: line.subscriberNumber, soc: change.data.singleUserCode, made })
          const answer: wire.SocChangeAnswer = { subscriberNumber: line.subscriberNumber, singleUserCode: change.data.singleUserCode, status: 'COMPLETED' }
          return { status: 200, body: answer }
        }
        const plan = MOBILITY_CATALOG.find((known) => known.soc === line.soc)
        const answer: wire.SubscriberDetail = {
          subscriberNumber: line.subscriberNumber,
          billingAccountNumber: line.ban,
          subscriberNumberStatus: line.status,
          singleUserCode: line.soc,
          singleUserCodeDescription: plan?.description ?? line.soc,
          iccid: line.iccid,
          imei: line.imei,
          subscriberActivatedDate: line.activatedDate,
          nextBillCycleDate: account.nextCycleStart(Date.now()),
        }
        return { status: 200, body: answer }
      }
    }
  }

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    const name = routeOf(request.method ?? '', pathname)?.name ?? 'other'
    stats.calls[name] = (stats.calls[name] ?? 0) + 1
    let answer: Answer
    try {
      answer = handle(request, pathname, await readBody(request))
    } catch (error) {
      const rejection = error instanceof Rejection ? error : new Rejection(500, wire.TELEGENCE_ERRORS.SERVER_ERROR, error instanceof Error ? error.message : String(error))
      stats.rejections[rejection.code] = (stats.rejections[rejection.code] ?? 0) + 1
      const body: wire.ErrorBody = { code: rejection.code, message: rejection.message }
      answer = { status: rejection.status, body, ...(rejection.status === 429 ? { headers: { 'Retry-After': '1' } } : {}) }
    }
    if (faults.latencyMs > 0) await delay(faults.latencyMs)
    response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers })
    response.end(JSON.stringify(answer.body))
  }

  const server = await listenOnLoopback(options.port ?? 0, serve)
  return {
    url: server.url,
    appId,
    appSecret,
    account,
    stats,
    reports,
    get faults() {
      return faults
    },
    setFaults(change) {
      faults = checkFaults({ ...faults, ...change })
    },
    close: () => server.close(),
  }
}

type Route = { readonly name: 'bans' | 'subscribers' | 'subscriber'; readonly id: string }

function routeOf(method: string, pathname: string): Route | undefined {
  if (!pathname.startsWith(`${wire.API_BASE}/`)) return undefined
  const parts = pathname.slice(wire.API_BASE.length + 1).split('/').map(decodeURIComponent)
  if (method === 'GET' && parts.length === 3 && parts[0] === 'fan' && parts[2] === 'bans') return { name: 'bans', id: parts[1]! }
  if (method === 'GET' && parts.length === 3 && parts[0] === 'ban' && parts[2] === 'subscribers') return { name: 'subscribers', id: parts[1]! }
  if ((method === 'GET' || method === 'PATCH') && parts.length === 2 && parts[0] === 'subscriber') return { name: 'subscriber', id: parts[1]! }
  return undefined
}

function wholeHeader(request: IncomingMessage, name: string, min: number): number {
  const text = request.headers[name]
  if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) < min) throw new Rejection(400, wire.TELEGENCE_ERRORS.BAD_REQUEST, `header ${name} must be a whole number of at least ${min}, got ${JSON.stringify(text ?? null)}`)
  return Number(text)
}

function checkFaults(faults: TelegenceFaults): TelegenceFaults {
  const fail = (message: string): never => {
    throw new SimoptError('INPUT_INVALID', `Telegence simulator: ${message}`)
  }
  if (!(faults.rateLimit >= 1)) fail(`rate limit must be at least 1 call per second, got ${faults.rateLimit}`)
  if (!(faults.errorRate >= 0 && faults.errorRate <= 1)) fail(`error rate must be 0 to 1, got ${faults.errorRate}`)
  if (!(faults.latencyMs >= 0)) fail(`latency must be 0 ms or more, got ${faults.latencyMs}`)
  if (!(Number.isInteger(faults.dropChangeEvery) && faults.dropChangeEvery >= 0)) fail(`dropChangeEvery must be a number of changes, got ${faults.dropChangeEvery}`)
  return faults
}
