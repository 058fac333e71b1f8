/**
 * Keeps one carrier account within its call budget (jasper_api.md §8: one call at a time, at most 5 a second,
 * counted per account across every user and process of it), retries what may pass on a second try, and stops
 * calling a carrier that keeps failing. One instance per account, shared by every client of that account.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { CARRIER_ERROR_KINDS, CarrierError, RETRYABLE_KINDS, isCarrierError, type CarrierErrorKind } from './carrier.js'

const WINDOW_MS = 1000

export interface CallLimiterOptions {
  /** Names the account in error messages. Default `carrier`. */
  readonly name?: string
  /** Calls running at once. Default 1. */
  readonly maxInFlight?: number
  /** Calls started in any sliding second, a whole number. Default 5. */
  readonly callsPerSecond?: number
  /** Retries of a call failing with a retryable kind (`timeout`, `network`, `server`, `rate-limited`). Default 5. */
  readonly maxRetries?: number
  /**
   * Back-off before the first retry of a failure among answers that succeed; it doubles with each retry of
   * the call and with each failed answer in a row on the account, with jitter taking off up to half.
   * Default one call of the budget, `1000 / callsPerSecond` ms (25 ms at 40 calls a second, 200 ms at 5).
   */
  readonly retryBaseMs?: number
  /** Longest back-off before a retry. Default 30,000 ms. */
  readonly retryMaxMs?: number
  /** Pause added between calls at the first rate-limit error; each further one doubles it. Default 250 ms. */
  readonly slowdownStepMs?: number
  /** Longest pause between calls. Default 5,000 ms. */
  readonly slowdownMaxMs?: number
  /** Calls without a rate-limit error after which the pause halves (and ends below one step). Default 20. */
  readonly slowdownDecayAfter?: number
  /** Consecutive failed calls (retries spent) that open the circuit. Default 5. */
  readonly failureThreshold?: number
  /** How long an open circuit fails calls at once. Default 60,000 ms. */
  readonly resetAfterMs?: number
  /** Epoch ms. Default `Date.now`. */
  readonly now?: () => number
  /** Default a timer. */
  readonly sleep?: (ms: number) => Promise<void>
  /** In [0, 1), for the retry jitter. Default `Math.random`. */
  readonly random?: () => number
  /**
   * The account's budget as other processes count it too (`redis-call-budget.ts`, for workers sharing a
   * BullMQ queue): each call also waits for a start from it. Default none: this process is the only caller.
   */
  readonly shared?: SharedCallBudget
}

export interface CallBudgetLimits {
  readonly callsPerSecond: number
  readonly maxInFlight: number
}

/** Calls of one account counted across processes. */
export interface SharedCallBudget {
  /** Waits until the account may start a call within `limits`, counting it; resolves to what to call once its answer came. */
  acquire(limits: CallBudgetLimits): Promise<() => Promise<void>>
}

/** What the limiter has done since it was made; a snapshot. */
export interface CallLimiterStats {
  /** Calls sent to the carrier, retries included. */
  readonly calls: number
  /** Calls that were a retry of a failed one. */
  readonly retries: number
  /** Calls the carrier refused as over its rate limit. */
  readonly rateLimited: number
  /** Failed calls by kind; `circuit-open` counts calls refused without being sent. */
  readonly errors: Readonly<Record<CarrierErrorKind, number>>
  /** Times the circuit opened. */
  readonly circuitOpened: number
  readonly circuit: 'closed' | 'open'
  /** The pause currently added between calls after rate-limit errors. */
  readonly slowdownMs: number
}

/**
 * Failures that say the carrier (or our access to it) is unwell. `not-found` and `bad-request` are answers
 * about one request from a carrier that works, so they do not count towards opening the circuit.
 */
const CIRCUIT_KINDS: readonly CarrierErrorKind[] = ['auth', 'rate-limited', 'server', 'timeout', 'network', 'bad-answer']

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown }

/**
 * Runs an account's carrier calls: `run(call)` waits for a free slot and for the call budget, makes the call,
 * and retries it with back-off when the {@link CarrierError} it throws is retryable.
 */
export class CallLimiter {
  readonly #name: string
  #maxInFlight: number
  #callsPerSecond: number
  readonly #maxRetries: number
  /** As given; absent, it follows `callsPerSecond`. */
  readonly #retryBaseOption: number | undefined
  readonly #retryMaxMs: number
  readonly #slowdownStepMs: number
  readonly #slowdownMaxMs: number
  readonly #slowdownDecayAfter: number
  readonly #failureThreshold: number
  readonly #resetAfterMs: number
  readonly #now: () => number
  readonly #sleep: (ms: number) => Promise<void>
  readonly #random: () => number
  readonly #shared: SharedCallBudget | undefined

  #inFlight = 0
  readonly #slotWaiters: (() => void)[] = []
  /**
   * The last `callsPerSecond` calls, oldest first: when each started, then, once answered, when its answer
   * came. The carrier counts a call when it arrives, which can be any moment up to the answer; counting
   * from the answer keeps a slow network from putting six arrivals in one of the carrier's seconds
   * (seen against the simulator: five starts 1,000 ms apart arrived 996 ms apart).
   */
  readonly #recent: { at: number }[] = []
  /** Latest start or end of any call: the slowdown pause runs from it. */
  #lastActivity = -Infinity
  /** Calls take their turn to start one after another, so two never read the same free moment. */
  #turns: Promise<void> = Promise.resolve()
  #slowdownMs = 0
  #callsSinceRateLimit = 0
  #consecutiveFailures = 0
  /** Answers of a retryable kind in a row, over every call of the account: how unwell the carrier looks. */
  #failedInARow = 0
  #lastFailure = ''
  #openUntil: number | undefined

  #calls = 0
  #retries = 0
  #rateLimited = 0
  #circuitOpened = 0
  readonly #errors = Object.fromEntries(CARRIER_ERROR_KINDS.map((kind) => [kind, 0])) as Record<CarrierErrorKind, number>

  constructor(options: CallLimiterOptions = {}) {
    this.#name = options.name ?? 'carrier'
    this.#maxInFlight = wholeAtLeast('maxInFlight', options.maxInFlight ?? 1, 1)
    this.#callsPerSecond = wholeAtLeast('callsPerSecond', options.callsPerSecond ?? 5, 1)
    this.#maxRetries = wholeAtLeast('maxRetries', options.maxRetries ?? 5, 0)
    this.#retryBaseOption = options.retryBaseMs
    this.#retryMaxMs = options.retryMaxMs ?? 30_000
    this.#slowdownStepMs = options.slowdownStepMs ?? 250
    this.#slowdownMaxMs = options.slowdownMaxMs ?? 5000
    this.#slowdownDecayAfter = wholeAtLeast('slowdownDecayAfter', options.slowdownDecayAfter ?? 20, 1)
    this.#failureThreshold = wholeAtLeast('failureThreshold', options.failureThreshold ?? 5, 1)
    this.#resetAfterMs = options.resetAfterMs ?? 60_000
    this.#now = options.now ?? Date.now
    this.#sleep = options.sleep ?? ((ms) => delay(ms))
    this.#random = options.random ?? Math.random
    this.#shared = options.shared
  }

  /**
   * Makes `call` when the budget allows, retrying it on a retryable {@link CarrierError}.
   * @throws the call's last error; CarrierError `circuit-open` without calling while the circuit is open.
   */
  async run<T>(call: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      this.#refuseIfOpen()
      await this.#takeSlot()
      let settled: Settled<T>
      let entry: { at: number } | undefined
      let release: (() => Promise<void>) | undefined
      try {
        // The circuit may have opened while this call queued for a slot.
        this.#refuseIfOpen()
        ;({ entry, release } = await this.#waitForTurn())
        this.#calls++
        if (retry > 0) this.#retries++
        settled = await call().then(
          (value) => ({ ok: true, value }) as const,
          (error: unknown) => ({ ok: false, error }) as const,
        )
      } finally {
        this.#lastActivity = Math.max(this.#lastActivity, this.#now())
        if (entry !== undefined) entry.at = Math.max(entry.at, this.#now())
        // Not released (the shared store unreachable): the call's lease there runs out instead.
        await release?.().catch(() => {})
        this.#releaseSlot()
      }
      if (settled.ok) {
        this.#answered(undefined)
        return settled.value
      }
      // Anything but a CarrierError is a bug on our side: it says nothing about the carrier.
      if (!isCarrierError(settled.error)) throw settled.error
      const { kind } = settled.error
      this.#answered(kind)
      if (RETRYABLE_KINDS.includes(kind) && retry < this.#maxRetries) {
        await this.#sleep(this.#backoffMs(retry))
        continue
      }
      this.#failed(settled.error)
      throw settled.error
    }
  }

  /**
   * The account's limits changed (its provider's settings): the same limiter, and so the same record of
   * recent calls, circuit and slowdown, keeps the account within the new ones from the next call on.
   */
  setLimits(limits: { readonly callsPerSecond: number; readonly maxInFlight: number }): void {
    this.#callsPerSecond = wholeAtLeast('callsPerSecond', limits.callsPerSecond, 1)
    this.#maxInFlight = wholeAtLeast('maxInFlight', limits.maxInFlight, 1)
    // The newest calls are the ones that can still fill the window.
    while (this.#recent.length > this.#callsPerSecond) this.#recent.shift()
    while (this.#inFlight < this.#maxInFlight && this.#slotWaiters.length > 0) {
      this.#inFlight++
      this.#slotWaiters.shift()!()
    }
  }

  get stats(): CallLimiterStats {
    return {
      calls: this.#calls,
      retries: this.#retries,
      rateLimited: this.#rateLimited,
      errors: { ...this.#errors },
      circuitOpened: this.#circuitOpened,
      circuit: this.#openUntil !== undefined && this.#now() < this.#openUntil ? 'open' : 'closed',
      slowdownMs: this.#slowdownMs,
    }
  }

  #refuseIfOpen(): void {
    if (this.#openUntil === undefined) return
    if (this.#now() >= this.#openUntil) {
      // Half-open: calls go through again, and the next failure alone opens the circuit again.
      this.#openUntil = undefined
      this.#consecutiveFailures = this.#failureThreshold - 1
      return
    }
    this.#errors['circuit-open']++
    throw new CarrierError(
      'circuit-open',
      `${this.#name}: not called, the circuit is open after ${this.#failureThreshold} consecutive failed calls ` +
        `until ${new Date(this.#openUntil).toISOString()}; last failure: ${this.#lastFailure}`,
    )
  }

  async #takeSlot(): Promise<void> {
    if (this.#inFlight < this.#maxInFlight) {
      this.#inFlight++
      return
    }
    // Woken by #releaseSlot, which hands its slot over without freeing it.
    await new Promise<void>((resolve) => this.#slotWaiters.push(resolve))
  }

  #releaseSlot(): void {
    // Over a lowered maxInFlight: the slot goes, nobody is woken.
    if (this.#inFlight > this.#maxInFlight) {
      this.#inFlight--
      return
    }
    const next = this.#slotWaiters.shift()
    if (next === undefined) this.#inFlight--
    else next()
  }

  #waitForTurn(): Promise<{ entry: { at: number }; release: (() => Promise<void>) | undefined }> {
    const turn = this.#turns.then(async () => {
      const entry = await this.#startWhenAllowed()
      if (this.#shared === undefined) return { entry, release: undefined }
      const release = await this.#shared.acquire({ callsPerSecond: this.#callsPerSecond, maxInFlight: this.#maxInFlight })
      // Started when the other processes' calls let it: this process's window counts it from then.
      entry.at = Math.max(entry.at, this.#now())
      this.#lastActivity = Math.max(this.#lastActivity, entry.at)
      return { entry, release }
    })
    this.#turns = turn.then(
      () => {},
      () => {},
    )
    return turn
  }

  async #startWhenAllowed(): Promise<{ at: number }> {
    for (;;) {
      const at = this.#earliestStart()
      if (at <= this.#now()) break
      await this.#sleep(at - this.#now())
      // Node's timers count from the event loop's cached time, so on a busy machine one can wake a few ms
      // before `at` by the clock: a call started then is over the budget (4 refused in a 25,567-call sync).
      if (this.#now() < at) await this.#sleep(at - this.#now())
      // A slowdown that came while sleeping pushes the start further; otherwise the moment has come, even
      // with a clock that did not move during the sleep.
      if (this.#earliestStart() <= at) return this.#recordStart(Math.max(at, this.#now()))
    }
    return this.#recordStart(this.#now())
  }

  #earliestStart(): number {
    const oldest = Math.min(...this.#recent.map((call) => call.at))
    const windowFull = this.#recent.length >= this.#callsPerSecond ? oldest + WINDOW_MS : -Infinity
    const paused = this.#slowdownMs > 0 ? this.#lastActivity + this.#slowdownMs : -Infinity
    return Math.max(windowFull, paused)
  }

  #recordStart(at: number): { at: number } {
    const entry = { at }
    this.#recent.push(entry)
    if (this.#recent.length > this.#callsPerSecond) this.#recent.shift()
    this.#lastActivity = Math.max(this.#lastActivity, at)
    return entry
  }

  /** Every call the carrier answered or failed: `undefined` for a success. */
  #answered(kind: CarrierErrorKind | undefined): void {
    if (kind !== undefined) this.#errors[kind]++
    this.#failedInARow = kind !== undefined && RETRYABLE_KINDS.includes(kind) ? this.#failedInARow + 1 : 0
    if (kind === 'rate-limited') {
      this.#rateLimited++
      this.#callsSinceRateLimit = 0
      this.#slowdownMs = Math.min(this.#slowdownMaxMs, Math.max(this.#slowdownStepMs, this.#slowdownMs * 2))
      return
    }
    if (kind === undefined || !CIRCUIT_KINDS.includes(kind)) this.#consecutiveFailures = 0
    if (this.#slowdownMs > 0 && ++this.#callsSinceRateLimit >= this.#slowdownDecayAfter) {
      this.#callsSinceRateLimit = 0
      this.#slowdownMs = this.#slowdownMs / 2 < this.#slowdownStepMs ? 0 : this.#slowdownMs / 2
    }
  }

  /** A call that failed for good, its retries spent. */
  #failed(error: CarrierError): void {
    if (!CIRCUIT_KINDS.includes(error.kind)) return
    this.#lastFailure = error.message
    if (++this.#consecutiveFailures >= this.#failureThreshold && this.#openUntil === undefined) {
      this.#openUntil = this.#now() + this.#resetAfterMs
      this.#circuitOpened++
    }
  }

  /**
   * Exponential in the call's retries, or in the account's failed answers in a row when there are more of
   * those: one failure among successes is retried soon, without holding up a caller that waits for it, while
   * a carrier that fails every call is given ever longer to recover, as before the circuit opens. Capped, minus
   * up to half at random so that clients that failed together do not retry together.
   */
  #backoffMs(retry: number): number {
    // A second before every first retry made each failure a second's stall of a caller that reads one call
    // after another: a sync at 40 calls a second with 20% of calls failing ran at 4.4. One call of the
    // budget is enough to spread the retries of a failure among successes.
    const base = this.#retryBaseOption ?? WINDOW_MS / this.#callsPerSecond
    // Bounded so that hours of failures in a row cannot make 0 ms times 2^1024 (NaN) of it.
    const doublings = Math.min(Math.max(retry, this.#failedInARow - 1), 40)
    const full = Math.min(this.#retryMaxMs, base * 2 ** doublings)
    return full / 2 + (full / 2) * this.#random()
  }
}

function wholeAtLeast(option: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`CallLimiter ${option} must be a whole number of at least ${min}, got ${value}`)
  return value
}
