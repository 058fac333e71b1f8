/**
 * A Jasper (Cisco IoT Control Center) REST API simulator: a real HTTP server on 127.0.0.1 that answers
 * `rws/api/v1` calls in the shapes of jasper-wire.ts, with Basic auth, the per-account call cap, and faults
 * to switch on: server errors, latency, and devices that change while a client pages through them.
 */
import { listenOnLoopback, readBody } from '../../loopback-server.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import { Random } from '../../../demo/index.js'
import { SimoptError, type BillingCycle } from '../../../domain/index.js'
import { JASPER_ERRORS } from '../jasper-wire.js'
import { JasperRejection, type Answer } from './answers.js'
import { CrawlShifter } from './crawl-shifter.js'
import { RateWindow } from './rate-window.js'
import { UsageShifter } from './usage-shifter.js'
import { findRoute } from './routes.js'
import { SimulatedFleet } from './simulated-fleet.js'

/** What can go wrong on the simulated service; all can change while it runs ({@link JasperSimulator.setFaults}). */
export interface SimulatorFaults {
  /** Calls per second the account may make (sliding one-second window); more answer 400 `40000029`. */
  readonly rateLimit: number
  /** Share of admitted calls, 0..1, answered 500 `30000001` instead; which ones follows from the seed. */
  readonly errorRate: number
  /** Added before every answer, ms. */
  readonly latencyMs: number
  /**
   * "The page that changes mid-crawl": after page N of a `GET /devices` crawl (one query, all its pages)
   * that is not the last, the first device of that page moves to another rate plan, changed now, so every
   * later page starts one device further on. `true` is N = 1; `false` or 0: off. Once per crawl.
   */
  readonly shiftDuringCrawl: boolean | number
  /**
   * "Plan changes during the usage sync": each time the last `GET /usages` page of a rate plan is served, a
   * device of an unshared plan not asked for yet moves onto that plan (so it is on neither plan's pages), and
   * a device of that plan moves onto an unshared plan not asked for yet (so it is on both); at most this many
   * devices in the simulator's life. 0: off.
   */
  readonly shiftDuringUsage: number
}

export interface JasperSimulatorOptions extends Partial<SimulatorFaults> {
  /** Port on 127.0.0.1; 0 (the default) takes any free port. */
  readonly port?: number
  /** SIMs in the account (default 3000). */
  readonly sims?: number
  /** Seed of the fleet and of the server errors (default 1). */
  readonly seed?: number
  /** Rate plans in the price sheet (default 12). */
  readonly plans?: number
  /** Basic auth user name (default `demo`). */
  readonly user?: string
  /** Basic auth password, the API key (default `demo-key`). */
  readonly apiKey?: string
  /** Advantage account (default true); false, an Essential account: `GET /usages` answers 400 `10000030`. */
  readonly advantage?: boolean
  /** The simulator's clock, epoch ms (default `Date.now`): dates, usage and the call cap follow it. */
  readonly now?: () => number
  /** The account's billing cycle: usage starts again at each cycle's start (default: calendar months, UTC). */
  readonly cycle?: BillingCycle
}

/** Counters tests read; live, updated as calls arrive. */
export interface SimulatorStats {
  /** Calls received by route (`GET /devices/{iccid}`, `other` for unknown paths), refused ones included. */
  readonly calls: Readonly<Record<string, number>>
  /** Error answers by Jasper error code; `none` for the 401 sent without one. */
  readonly rejections: Readonly<Record<string, number>>
  /** Authenticated calls being answered now. */
  readonly inFlight: number
  /** Most authenticated calls ever answered at once: above 1, a client overlapped its calls. */
  readonly maxInFlight: number
  /** ICCIDs the `shiftDuringCrawl` fault changed, in order. */
  readonly shiftedIccids: readonly string[]
  /** ICCIDs the `shiftDuringUsage` fault moved, in order. */
  readonly usageShiftedIccids: readonly string[]
}

export interface JasperSimulator {
  /** `http://127.0.0.1:PORT`; the API is under `${url}${API_BASE}`. */
  readonly url: string
  readonly user: string
  readonly apiKey: string
  readonly fleet: SimulatedFleet
  readonly stats: SimulatorStats
  readonly faults: SimulatorFaults
  setFaults(faults: Partial<SimulatorFaults>): void
  /** Stops listening and resolves once the calls in hand are answered. */
  close(): Promise<void>
}

interface LiveStats extends SimulatorStats {
  calls: Record<string, number>
  rejections: Record<string, number>
  inFlight: number
  maxInFlight: number
  shiftedIccids: string[]
  usageShiftedIccids: string[]
}

/** Starts a simulator. @throws SimoptError `INPUT_INVALID` for options out of range. */
export async function startJasperSimulator(options: JasperSimulatorOptions = {}): Promise<JasperSimulator> {
  const clock = options.now ?? Date.now
  const seed = options.seed ?? 1
  const user = options.user ?? 'demo'
  const apiKey = options.apiKey ?? 'demo-key'
  const advantage = options.advantage ?? true
  let faults = checkFaults({
    rateLimit: options.rateLimit ?? 5,
    errorRate: options.errorRate ?? 0,
    latencyMs: options.latencyMs ?? 0,
    shiftDuringCrawl: options.shiftDuringCrawl ?? false,
    shiftDuringUsage: options.shiftDuringUsage ?? 0,
  })
  const fleet = new SimulatedFleet({ sims: options.sims ?? 3000, plans: options.plans, seed, now: clock(), ...(options.cycle === undefined ? {} : { cycle: options.cycle }) })
  const stats: LiveStats = {
    calls: {},
    rejections: {},
    inFlight: 0,
    maxInFlight: 0,
    shiftedIccids: [],
    usageShiftedIccids: [],
  }
  const window = new RateWindow()
  const shifter = new CrawlShifter()
  const usageShifter = new UsageShifter()
  const errors = new Random(seed ^ 0x0e77_0e77)
  const credentials = Buffer.from(`${user}:${apiKey}`).toString('base64')

  /** Answers an authenticated call. @throws JasperRejection */
  const answer = async (request: IncomingMessage, url: URL, match: ReturnType<typeof findRoute>): Promise<Answer> => {
    if (!window.admit(clock(), faults.rateLimit)) throw new JasperRejection(400, JASPER_ERRORS.RATE_LIMIT_EXCEEDED, 'Rate limit exceeded')
    if (faults.errorRate > 0 && errors.next() < faults.errorRate) throw new JasperRejection(500, JASPER_ERRORS.SERVER_ERROR, 'Unknown server error')
    const body = await readBody(request)
    if (match === undefined) throw new JasperRejection(404, undefined, `Resource not found: ${request.method} ${url.pathname}`)
    const afterPage = faults.shiftDuringCrawl === true ? 1 : faults.shiftDuringCrawl === false ? 0 : faults.shiftDuringCrawl
    const now = clock()
    return match.route.handle(
      {
        fleet,
        now,
        query: url.searchParams,
        body,
        advantage,
        onDevicePage: (page) => {
          const shifted = afterPage > 0 ? shifter.afterPage(fleet, page, afterPage, now) : undefined
          if (shifted !== undefined) stats.shiftedIccids.push(shifted.iccid)
        },
        onUsagePage: (page) => {
          for (const moved of usageShifter.afterPage(fleet, page, faults.shiftDuringUsage, now)) stats.usageShiftedIccids.push(moved.iccid)
        },
      },
      match.id,
    )
  }

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const match = findRoute(request.method ?? '', url.pathname)
    increment(stats.calls, match?.route.name ?? 'other')
    let inFlight = false
    let result: Answer
    try {
      authenticate(request.headers.authorization, credentials)
      inFlight = true
      stats.inFlight++
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
      result = await answer(request, url, match)
    } catch (error) {
      const rejection =
        error instanceof JasperRejection
          ? error
          : new JasperRejection(500, JASPER_ERRORS.SERVER_ERROR, `Unknown server error: ${error instanceof Error ? error.message : String(error)}`)
      result = rejection.answer
      increment(stats.rejections, (result.body as { errorCode?: string }).errorCode ?? 'none')
    }
    if (faults.latencyMs > 0) await delay(faults.latencyMs)
    // Before the answer leaves: a client that waits for it must never find its next call overlapping this one.
    if (inFlight) stats.inFlight--
    response.writeHead(result.status, { 'Content-Type': 'application/json', ...result.headers })
    response.end(JSON.stringify(result.body))
  }

  const server = await listenOnLoopback(options.port ?? 0, serve)

  return {
    url: server.url,
    user,
    apiKey,
    fleet,
    stats,
    get faults() {
      return faults
    },
    setFaults(change) {
      faults = checkFaults({ ...faults, ...change })
    },
    close: server.close,
  }
}

/** @throws JasperRejection 401: without credentials as Spring Security answers (no code), with wrong ones `10000001`. */
function authenticate(header: string | undefined, credentials: string): void {
  const basic = /^Basic +(.*)$/i.exec(header ?? '')
  if (basic === null) {
    throw new JasperRejection(401, undefined, 'Full authentication is required to access this resource', { 'WWW-Authenticate': 'Basic realm="Jasper"' })
  }
  if (basic[1]!.trim() !== credentials) throw new JasperRejection(401, JASPER_ERRORS.INVALID_CREDENTIALS, 'Invalid credentials')
}

function checkFaults(faults: SimulatorFaults): SimulatorFaults {
  const fail = (message: string): never => {
    throw new SimoptError('INPUT_INVALID', `Jasper simulator: ${message}`)
  }
  if (!(faults.rateLimit >= 1)) fail(`rate limit must be at least 1 call per second, got ${faults.rateLimit}`)
  if (!(faults.errorRate >= 0 && faults.errorRate <= 1)) fail(`error rate must be 0 to 1, got ${faults.errorRate}`)
  if (!(faults.latencyMs >= 0)) fail(`latency must be 0 ms or more, got ${faults.latencyMs}`)
  if (typeof faults.shiftDuringCrawl === 'number' && !(Number.isInteger(faults.shiftDuringCrawl) && faults.shiftDuringCrawl >= 0)) {
    fail(`shiftDuringCrawl must be a page number, got ${faults.shiftDuringCrawl}`)
  }
  if (!(Number.isInteger(faults.shiftDuringUsage) && faults.shiftDuringUsage >= 0)) fail(`shiftDuringUsage must be a number of devices, got ${faults.shiftDuringUsage}`)
  return faults
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1
}
