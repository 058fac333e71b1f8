/**
 * A Verizon ThingSpace simulator: a real HTTP server on 127.0.0.1 with the OAuth token endpoint, the M2M
 * session login and the Connectivity Management calls simopt makes, answering in the shapes of
 * thingspace-wire.ts. Faults to switch on: throttling, server errors, latency, short-lived or revoked
 * tokens, lost or late callbacks, and a device suspended while a push runs. Plan changes are asynchronous
 * and limited to 4 per device a month, as on ThingSpace.
 */
import { listenOnLoopback, parseJsonBody, readBody } from '../../loopback-server.js'
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import { Random } from '../../../demo/index.js'
import { SimoptError, type BillingCycle } from '../../../domain/index.js'
import { RateWindow } from '../../jasper/simulator/rate-window.js'
import * as wire from '../thingspace-wire.js'
import { Rejection, type Answer } from './answers.js'
import { ChangeRequests, type CallbackStats, type ChangeRequest } from './change-requests.js'
import { findRoute } from './routes.js'
import { SimulatedAccount } from './simulated-account.js'

/** What can go wrong; all can change while it runs ({@link ThingSpaceSimulator.setFaults}). */
export interface ThingSpaceFaults {
  /** M2M calls per second the account may make (sliding second); more answer 429. */
  readonly rateLimit: number
  /** Share of admitted M2M calls, 0..1, answered 500; which ones follows from the seed. */
  readonly errorRate: number
  /** Added before every answer, ms. */
  readonly latencyMs: number
  /** Lifetime of access and session tokens, seconds. */
  readonly tokenTtlSeconds: number
  /** After every this many M2M calls, every token issued so far stops working (expiry mid-sync); 0: never. */
  readonly revokeTokensEvery: number
  /** Share of change callbacks never sent, 0..1. */
  readonly loseCallbacks: number
  /** Delay before a change callback is sent, ms. */
  readonly callbackDelayMs: number
  /** The device of the Nth accepted change (from 1) is suspended right after it is accepted, once; 0: never. */
  readonly suspendDuringPush: number
}

export interface ThingSpaceSimulatorOptions extends Partial<ThingSpaceFaults> {
  readonly port?: number
  /** Devices in the account (default 3000). */
  readonly sims?: number
  readonly seed?: number
  readonly plans?: number
  readonly appKey?: string
  readonly appSecret?: string
  readonly username?: string
  readonly password?: string
  /** Devices per list answer (default 2,000, ThingSpace's). */
  readonly pageSize?: number
  /** A change is done this long after it is accepted; null: only when {@link ThingSpaceSimulator.settle} is called. Default 2,000 ms. */
  readonly processingMs?: number | null
  /** The simulator's clock, epoch ms (default `Date.now`): tokens, usage and the call cap follow it. */
  readonly now?: () => number
  readonly cycle?: BillingCycle
}

export interface ThingSpaceSimulatorStats {
  /** Calls by route (`other` for unknown paths), refused ones included. */
  readonly calls: Readonly<Record<string, number>>
  /** Refusals by error code (service name included). */
  readonly rejections: Readonly<Record<string, number>>
  readonly accessTokensIssued: number
  readonly sessionsOpened: number
  readonly maxInFlight: number
  readonly callbacks: Readonly<CallbackStats>
  /** ICCIDs the `suspendDuringPush` fault suspended. */
  readonly suspendedIccids: readonly string[]
}

export interface ThingSpaceSimulator {
  readonly url: string
  readonly appKey: string
  readonly appSecret: string
  readonly username: string
  readonly password: string
  readonly account: SimulatedAccount
  readonly stats: ThingSpaceSimulatorStats
  readonly faults: ThingSpaceFaults
  setFaults(faults: Partial<ThingSpaceFaults>): void
  /** Every change request so far. */
  changes(): readonly ChangeRequest[]
  /** Does every pending change now; resolves once their callbacks are sent or lost. */
  settle(): Promise<readonly ChangeRequest[]>
  /** Every token issued so far stops working, as when the carrier expires them early. */
  revokeTokens(): void
  close(): Promise<void>
}

type Live = { -readonly [K in keyof ThingSpaceSimulatorStats]: ThingSpaceSimulatorStats[K] } & { calls: Record<string, number>; rejections: Record<string, number>; suspendedIccids: string[] }

/** Starts a simulator. @throws SimoptError `INPUT_INVALID` for options out of range. */
export async function startThingSpaceSimulator(options: ThingSpaceSimulatorOptions = {}): Promise<ThingSpaceSimulator> {
  const clock = options.now ?? Date.now
  const seed = options.seed ?? 1
  const appKey = options.appKey ?? 'demo-app-key'
  const appSecret = options.appSecret ?? 'demo-app-secret'
  const username = options.username ?? 'demo'
  const password = options.password ?? 'demo-password'
  const pageSize = options.pageSize ?? wire.MAX_DEVICES_PER_PAGE
  const processingMs = options.processingMs === undefined ? 2000 : options.processingMs
  let faults = checkFaults({
    rateLimit: options.rateLimit ?? 10,
    errorRate: options.errorRate ?? 0,
    latencyMs: options.latencyMs ?? 0,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    revokeTokensEvery: options.revokeTokensEvery ?? 0,
    loseCallbacks: options.loseCallbacks ?? 0,
    callbackDelayMs: options.callbackDelayMs ?? 0,
    suspendDuringPush: options.suspendDuringPush ?? 0,
  })
  const account = new SimulatedAccount({ sims: options.sims ?? 3000, plans: options.plans, seed, now: clock(), ...(options.cycle === undefined ? {} : { cycle: options.cycle }) })
  const requests = new ChangeRequests(account, seed)
  const stats: Live = { calls: {}, rejections: {}, accessTokensIssued: 0, sessionsOpened: 0, maxInFlight: 0, callbacks: requests.callbackStats, suspendedIccids: [] }
  const accessTokens = new Map<string, number>()
  const sessions = new Map<string, number>()
  const window = new RateWindow()
  const errors = new Random(seed ^ 0x7e57_e440)
  const basic = `Basic ${Buffer.from(`${appKey}:${appSecret}`).toString('base64')}`
  let inFlight = 0
  let m2mCalls = 0
  let acceptedChanges = 0
  const callbackFaults = () => ({ loseCallbacks: faults.loseCallbacks, callbackDelayMs: faults.callbackDelayMs })
  const newToken = (store: Map<string, number>) => {
    const token = randomBytes(18).toString('base64url')
    store.set(token, clock() + faults.tokenTtlSeconds * 1000)
    return token
  }
  const valid = (store: Map<string, number>, token: string | undefined) => token !== undefined && (store.get(token) ?? -Infinity) > clock()

  const issueAccessToken = (request: IncomingMessage, body: string): Answer => {
    if (request.headers.authorization !== basic) throw Rejection.gateway(401, '900902', 'Missing Credentials', 'Required OAuth credentials not provided or not valid')
    if (new URLSearchParams(body).get('grant_type') !== 'client_credentials') throw new Rejection({ status: 400, body: { error: 'invalid_request', error_description: 'Missing grant_type parameter value' } })
    stats.accessTokensIssued++
    const answer: wire.AccessToken = { access_token: newToken(accessTokens), token_type: 'bearer', expires_in: faults.tokenTtlSeconds, scope: 'ts.m2m' }
    return { status: 200, body: answer }
  }

  const checkBearer = (request: IncomingMessage) => {
    const bearer = /^Bearer +(.+)$/i.exec(request.headers.authorization ?? '')?.[1]
    if (!valid(accessTokens, bearer)) throw Rejection.gateway(401, wire.GATEWAY_INVALID_CREDENTIALS, 'Invalid Credentials', 'Access failure for API: /m2m/v1, version: v1. Make sure you have given the correct access token')
  }

  const openSession = (request: IncomingMessage, body: string): Answer => {
    checkBearer(request)
    const login = wire.sessionLoginBody.safeParse(parseJsonBody(body))
    if (!login.success || login.data.username !== username || login.data.password !== password) {
      throw Rejection.api(401, wire.THINGSPACE_ERRORS.LOGIN_FAILED, 'Invalid user name or password')
    }
    stats.sessionsOpened++
    const answer: wire.SessionToken = { sessionToken: newToken(sessions), expiresIn: faults.tokenTtlSeconds }
    return { status: 200, body: answer }
  }

  const m2m = (request: IncomingMessage, pathname: string, body: string): Answer => {
    checkBearer(request)
    const session = request.headers['vz-m2m-token']
    if (!valid(sessions, typeof session === 'string' ? session : undefined)) throw Rejection.api(401, wire.THINGSPACE_ERRORS.SESSION_EXPIRED, 'SessionToken Expired')
    if (!window.admit(clock(), faults.rateLimit)) throw Rejection.api(429, wire.THINGSPACE_ERRORS.THROTTLED, 'Too many requests; slow down', 'UnifiedWebService', { 'Retry-After': '1' })
    m2mCalls++
    if (faults.revokeTokensEvery > 0 && m2mCalls % faults.revokeTokensEvery === 0) revokeTokens()
    if (faults.errorRate > 0 && errors.next() < faults.errorRate) throw Rejection.api(500, wire.THINGSPACE_ERRORS.UNEXPECTED, 'Unexpected error')
    const match = findRoute(request.method ?? '', pathname)
    if (match === undefined) throw Rejection.gateway(404, '900906', 'No matching resource found in the API for the given request', `${request.method} ${pathname}`)
    return match.route.handle(
      {
        account,
        requests,
        now: clock(),
        body: parseJsonBody(body),
        pageSize,
        accept: (iccid, servicePlan) => ({ requestId: requests.accept(iccid, servicePlan, clock(), processingMs, clock, callbackFaults).requestId }),
        accepted: (iccid) => {
          if (++acceptedChanges === faults.suspendDuringPush) {
            account.suspend(iccid)
            stats.suspendedIccids.push(iccid)
          }
        },
      },
      match.params,
    )
  }

  const revokeTokens = () => {
    accessTokens.clear()
    sessions.clear()
  }

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    increment(stats.calls, pathname === wire.OAUTH_TOKEN_PATH || pathname === wire.SESSION_LOGIN_PATH ? `POST ${pathname}` : (findRoute(request.method ?? '', pathname)?.route.name ?? 'other'))
    inFlight++
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight)
    let result: Answer
    try {
      const body = await readBody(request)
      if (request.method === 'POST' && pathname === wire.OAUTH_TOKEN_PATH) result = issueAccessToken(request, body)
      else if (request.method === 'POST' && pathname === wire.SESSION_LOGIN_PATH) result = openSession(request, body)
      else result = m2m(request, pathname, body)
    } catch (error) {
      const rejection = error instanceof Rejection ? error : Rejection.api(500, wire.THINGSPACE_ERRORS.UNEXPECTED, `Unexpected error: ${error instanceof Error ? error.message : String(error)}`)
      result = rejection.answer
      increment(stats.rejections, rejection.code)
    }
    if (faults.latencyMs > 0) await delay(faults.latencyMs)
    inFlight--
    response.writeHead(result.status, { 'Content-Type': 'application/json', ...result.headers })
    response.end(JSON.stringify(result.body))
  }

  const server = await listenOnLoopback(options.port ?? 0, serve)

  return {
    url: server.url,
    appKey,
    appSecret,
    username,
    password,
    account,
    stats,
    get faults() {
      return faults
    },
    setFaults(change) {
      faults = checkFaults({ ...faults, ...change })
    },
    changes: () => requests.all(),
    settle: () => requests.settle(clock(), callbackFaults()),
    revokeTokens,
    close: async () => {
      requests.stop()
      await requests.idle()
      await server.close()
    },
  }
}

function checkFaults(faults: ThingSpaceFaults): ThingSpaceFaults {
  const fail = (message: string): never => {
    throw new SimoptError('INPUT_INVALID', `ThingSpace simulator: ${message}`)
  }
  const share = (value: number) => value >= 0 && value <= 1
  const whole = (value: number) => Number.isInteger(value) && value >= 0
  if (!(faults.rateLimit >= 1)) fail(`rate limit must be at least 1 call per second, got ${faults.rateLimit}`)
  if (!share(faults.errorRate)) fail(`error rate must be 0 to 1, got ${faults.errorRate}`)
  if (!(faults.latencyMs >= 0)) fail(`latency must be 0 ms or more, got ${faults.latencyMs}`)
  if (!(Number.isInteger(faults.tokenTtlSeconds) && faults.tokenTtlSeconds >= 1)) fail(`token lifetime must be a whole number of seconds, at least 1, got ${faults.tokenTtlSeconds}`)
  if (!whole(faults.revokeTokensEvery)) fail(`revokeTokensEvery must be a number of calls, got ${faults.revokeTokensEvery}`)
  if (!share(faults.loseCallbacks)) fail(`lost callbacks must be a share from 0 to 1, got ${faults.loseCallbacks}`)
  if (!(faults.callbackDelayMs >= 0)) fail(`callback delay must be 0 ms or more, got ${faults.callbackDelayMs}`)
  if (!whole(faults.suspendDuringPush)) fail(`suspendDuringPush must be a change number, got ${faults.suspendDuringPush}`)
  return faults
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1
}
