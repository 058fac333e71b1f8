import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CallLimiter, CarrierError, type CallLimiterOptions, type CarrierErrorKind } from '../../src/carriers/index.js'

/**
 * Virtual time: `sleep` registers a timer, and the clock jumps to the earliest timer once everything that
 * can run without time passing has run (a setImmediate comes after every pending promise continuation). No
 * test waits in real time, and the order of events is the same on every run.
 */
class FakeClock {
  #t = 0
  readonly #timers: { at: number; seq: number; wake: () => void }[] = []
  #seq = 0
  #ticking = false

  readonly now = (): number => this.#t

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      this.#timers.push({ at: this.#t + Math.max(0, ms), seq: this.#seq++, wake })
      this.#tick()
    })

  #tick(): void {
    if (this.#ticking) return
    this.#ticking = true
    setImmediate(() => {
      this.#ticking = false
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = this.#timers.shift()
      if (next === undefined) return
      this.#t = next.at
      next.wake()
      if (this.#timers.length > 0) this.#tick()
    })
  }
}

function limiterOn(clock: FakeClock, options: CallLimiterOptions = {}): CallLimiter {
  return new CallLimiter({ now: clock.now, sleep: clock.sleep, random: () => 0.5, ...options })
}

const failure = (kind: CarrierErrorKind) => new CarrierError(kind, `failed: ${kind}`, { path: '/x' })

/** A carrier call taking `ms` of virtual time that fails with the scripted kinds first, then succeeds. */
function scriptedCall(clock: FakeClock, script: (CarrierErrorKind | 'ok')[], ms = 10) {
  const starts: number[] = []
  const call = async (): Promise<string> => {
    starts.push(clock.now())
    await clock.sleep(ms)
    const next = script.shift() ?? 'ok'
    if (next !== 'ok') throw failure(next)
    return 'done'
  }
  return { call, starts }
}

function assertWithinBudget(starts: readonly number[], perSecond: number): void {
  for (let i = 0; i + perSecond < starts.length; i++) {
    assert.ok(starts[i + perSecond]! - starts[i]! >= 1000, `calls ${i} and ${i + perSecond} start ${starts[i + perSecond]! - starts[i]!} ms apart`)
  }
}

describe('call limiter', () => {
  it('starts at most callsPerSecond calls in any sliding second, and no fewer than it may', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock)
    const { call, starts } = scriptedCall(clock, [])
    await Promise.all(Array.from({ length: 23 }, () => limiter.run(call)))
    assert.equal(starts.length, 23)
    assertWithinBudget(starts, 5)
    // Five back to back (10 ms each), then the next five a second after the first one's answer (the carrier
    // counts a call when it arrives, at the latest when it answers): the budget, no less.
    assert.deepEqual(starts.slice(0, 7), [0, 10, 20, 30, 40, 1010, 1020])
    assert.equal(starts.at(-1), 4060)
  })

  it('keeps the budget when a timer wakes a few ms early (a busy event loop), rather than starting a call too soon', async () => {
    const clock = new FakeClock()
    // Node's timers run on the loop's cached time: a long wait can end a few ms before its time by the clock.
    const sleep = (ms: number) => clock.sleep(ms > 3 ? ms - 3 : ms)
    const limiter = new CallLimiter({ now: clock.now, sleep, random: () => 0.5, callsPerSecond: 2 })
    const { call, starts } = scriptedCall(clock, [], 0)
    for (let i = 0; i < 6; i++) await limiter.run(call)
    assert.deepEqual(starts, [0, 0, 1000, 1000, 2000, 2000])
  })

  it('keeps the per-second budget with several calls in flight', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { maxInFlight: 3, callsPerSecond: 4 })
    const { call, starts } = scriptedCall(clock, [], 700)
    await Promise.all(Array.from({ length: 20 }, () => limiter.run(call)))
    assertWithinBudget(starts, 4)
  })

  for (const maxInFlight of [1, 3]) {
    it(`never runs more than ${maxInFlight} call(s) at once`, async () => {
      const clock = new FakeClock()
      const limiter = limiterOn(clock, maxInFlight === 1 ? { callsPerSecond: 100 } : { maxInFlight, callsPerSecond: 100 })
      let running = 0
      let most = 0
      const call = async () => {
        most = Math.max(most, ++running)
        await clock.sleep(100)
        running--
      }
      await Promise.all(Array.from({ length: 12 }, () => limiter.run(call)))
      assert.equal(most, maxInFlight)
      assert.equal(limiter.stats.calls, 12)
    })
  }

  it('slows down on rate-limit errors, doubling the pause up to its cap, and speeds up after a run of calls without one', async () => {
    const clock = new FakeClock()
    // A budget that never binds here, to see the pause alone.
    const limiter = limiterOn(clock, { callsPerSecond: 100, slowdownStepMs: 100, slowdownMaxMs: 300, slowdownDecayAfter: 3 })
    const { call, starts } = scriptedCall(clock, ['rate-limited', 'rate-limited', 'rate-limited'], 10)
    assert.equal(await limiter.run(call), 'done')
    assert.equal(limiter.stats.slowdownMs, 300) // 100, 200, then 400 capped at 300
    assert.equal(limiter.stats.rateLimited, 3)

    const gaps: number[] = []
    for (let i = 0; i < 6; i++) {
      const before = clock.now()
      await limiter.run(call)
      gaps.push(starts.at(-1)! - before)
    }
    // Each call waits out the pause after the one before ended. The successful retry began the run of three
    // calls without a rate-limit error that halves it; three more and it is below one step, so it ends.
    assert.deepEqual(gaps, [300, 300, 150, 150, 150, 0])
    assert.equal(limiter.stats.slowdownMs, 0)
  })

  it('backs off exponentially between retries, with jitter from the injected random', async () => {
    for (const [random, expected] of [
      [0, [500, 1000, 2000, 2500]],
      [0.999_999, [1000, 2000, 4000, 5000]],
    ] as const) {
      const clock = new FakeClock()
      const limiter = limiterOn(clock, { random: () => random, retryBaseMs: 1000, retryMaxMs: 5000, maxRetries: 4 })
      const { call, starts } = scriptedCall(clock, ['server', 'server', 'timeout', 'network', 'server'], 0)
      await assert.rejects(limiter.run(call), { kind: 'server' })
      const waits = starts.slice(1).map((at, i) => at - starts[i]!)
      assert.deepEqual(
        waits.map((w) => Math.round(w)),
        expected,
      )
    }
  })

  it('keeps a caller reading one call after another near the budget when one call in five fails (a failure does not stall it a second)', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { callsPerSecond: 40 })
    let attempts = 0
    const starts: number[] = []
    const call = async (): Promise<string> => {
      attempts++
      starts.push(clock.now())
      await clock.sleep(10)
      if (attempts % 5 === 0) throw failure('server')
      return 'done'
    }
    for (let read = 0; read < 400; read++) await limiter.run(call)
    const perSecond = attempts / (clock.now() / 1000)
    assert.equal(limiter.stats.retries, 99)
    // 40 calls of 10 ms and 8 retries after 18.75 ms each fit in a second: the budget is what binds. A second's
    // back-off before each retry ran this at 6 calls a second.
    assert.ok(perSecond >= 38, `${perSecond.toFixed(1)} calls a second of 40`)
    assertWithinBudget(starts, 40)
  })

  it('grows the back-off with failed answers in a row across calls, as for a carrier that fails every call', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { random: () => 0, retryBaseMs: 100, maxRetries: 2, failureThreshold: 10 })
    const { call, starts } = scriptedCall(clock, ['server', 'server', 'server', 'server', 'server', 'server', 'ok'], 0)
    await assert.rejects(limiter.run(call), { kind: 'server' })
    await assert.rejects(limiter.run(call), { kind: 'server' })
    assert.equal(await limiter.run(call), 'done')
    const waits = starts.slice(1).map((at, i) => at - starts[i]!)
    // Half of 100·2^k (random 0): the first call's retries k = 0, 1; the second call's answers are the 4th and
    // 5th failure in a row (k = 3, 4), the next call's first attempt goes at once, and its success ends the row.
    assert.deepEqual(waits, [50, 100, 0, 400, 800, 0])
  })

  it("does not hold the account's other calls back while a failed call backs off", async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { retryBaseMs: 1000 })
    const failing = scriptedCall(clock, ['server'])
    const other = scriptedCall(clock, [])
    await Promise.all([limiter.run(failing.call), limiter.run(other.call), limiter.run(other.call)])
    // The failed call's retry waits 750 ms (1000, jitter 0.5); the other two go meanwhile, one after another.
    assert.deepEqual(other.starts, [10, 20])
    assert.deepEqual(failing.starts, [0, 760])
  })

  it('takes new limits without forgetting the calls already made (a provider whose calls per second changed)', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { callsPerSecond: 5 })
    const { call, starts } = scriptedCall(clock, [], 0)
    for (let i = 0; i < 5; i++) await limiter.run(call)
    limiter.setLimits({ callsPerSecond: 8, maxInFlight: 1 })
    for (let i = 0; i < 4; i++) await limiter.run(call)
    // Three more fit in the first second under 8 a second; the fourth waits for it to pass.
    assert.deepEqual(starts, [0, 0, 0, 0, 0, 0, 0, 0, 1000])
    limiter.setLimits({ callsPerSecond: 2, maxInFlight: 1 })
    await limiter.run(call)
    await limiter.run(call)
    assert.deepEqual(starts.slice(8), [1000, 1000, 2000])
  })

  it('lets more calls run at once when maxInFlight is raised, and fewer when it is lowered', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { callsPerSecond: 100 })
    let running = 0
    const peaks: number[] = []
    const call = async (): Promise<void> => {
      peaks.push(++running)
      await clock.sleep(100)
      running--
    }
    const first = Array.from({ length: 3 }, () => limiter.run(call))
    limiter.setLimits({ callsPerSecond: 100, maxInFlight: 3 })
    await Promise.all(first)
    assert.equal(Math.max(...peaks), 3)
    peaks.length = 0
    const second = Array.from({ length: 4 }, () => limiter.run(call))
    limiter.setLimits({ callsPerSecond: 100, maxInFlight: 1 })
    await Promise.all(second)
    // The three running finish; the fourth, queued, runs alone.
    assert.deepEqual(peaks, [1, 2, 3, 1])
  })

  for (const kind of ['timeout', 'network', 'server', 'rate-limited'] as const) {
    it(`retries ${kind} up to maxRetries`, async () => {
      const clock = new FakeClock()
      const limiter = limiterOn(clock, { maxRetries: 3 })
      const { call, starts } = scriptedCall(clock, [kind, kind, kind, kind, kind])
      await assert.rejects(limiter.run(call), (error: unknown) => error instanceof CarrierError && error.kind === kind && error.retryable)
      assert.equal(starts.length, 4)
      assert.equal(limiter.stats.retries, 3)
      assert.equal(limiter.stats.errors[kind], 4)
    })
  }

  for (const kind of ['auth', 'not-found', 'bad-request', 'bad-answer'] as const) {
    it(`does not retry ${kind}`, async () => {
      const clock = new FakeClock()
      const limiter = limiterOn(clock)
      const { call, starts } = scriptedCall(clock, [kind])
      await assert.rejects(limiter.run(call), (error: unknown) => error instanceof CarrierError && error.kind === kind && !error.retryable)
      assert.equal(starts.length, 1)
      assert.equal(limiter.stats.retries, 0)
    })
  }

  it('passes on an error that is not a CarrierError without retrying or counting it', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock)
    let calls = 0
    await assert.rejects(
      limiter.run(async () => {
        calls++
        throw new TypeError('a bug')
      }),
      TypeError,
    )
    assert.equal(calls, 1)
    assert.deepEqual(Object.values(limiter.stats.errors), Array(9).fill(0))
  })

  it('succeeds on a retry after a transient failure', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock)
    const { call } = scriptedCall(clock, ['timeout', 'server'])
    assert.equal(await limiter.run(call), 'done')
    assert.equal(limiter.stats.calls, 3)
    assert.equal(limiter.stats.retries, 2)
  })

  it('opens the circuit after failureThreshold failed calls, fails at once naming the last failure, and closes after resetAfterMs', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { failureThreshold: 3, resetAfterMs: 60_000, maxRetries: 1 })
    const { call, starts } = scriptedCall(clock, ['server', 'server', 'timeout', 'timeout', 'server', 'network'])
    for (let i = 0; i < 3; i++) await assert.rejects(limiter.run(call))
    assert.equal(starts.length, 6)
    assert.equal(limiter.stats.circuit, 'open')
    assert.equal(limiter.stats.circuitOpened, 1)

    await assert.rejects(limiter.run(call), (error: unknown) => {
      assert.ok(error instanceof CarrierError)
      assert.equal(error.kind, 'circuit-open')
      assert.match(error.message, /failed: network/)
      return true
    })
    assert.equal(starts.length, 6, 'an open circuit makes no call')
    assert.equal(limiter.stats.errors['circuit-open'], 1)

    await clock.sleep(59_999)
    await assert.rejects(limiter.run(call), { kind: 'circuit-open' })
    await clock.sleep(1)
    assert.equal(await limiter.run(call), 'done')
    assert.equal(limiter.stats.circuit, 'closed')
  })

  it('opens again at the first failure after it closed, until a call succeeds', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { failureThreshold: 2, resetAfterMs: 1000, maxRetries: 0 })
    const { call } = scriptedCall(clock, ['server', 'server', 'server', 'ok', 'server'])
    await assert.rejects(limiter.run(call))
    await assert.rejects(limiter.run(call))
    await clock.sleep(1000)
    await assert.rejects(limiter.run(call), { kind: 'server' })
    await assert.rejects(limiter.run(call), { kind: 'circuit-open' })
    await clock.sleep(1000)
    await limiter.run(call)
    await assert.rejects(limiter.run(call), { kind: 'server' })
    assert.equal(limiter.stats.circuit, 'closed', 'one failure after a success does not open it')
    assert.equal(limiter.stats.circuitOpened, 2)
  })

  it('fails calls queued behind the one that opened the circuit without making them', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { failureThreshold: 1, maxRetries: 0 })
    const { call, starts } = scriptedCall(clock, ['server', 'ok', 'ok'])
    const outcomes = await Promise.allSettled([limiter.run(call), limiter.run(call), limiter.run(call)])
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as CarrierError).kind : 'ok')),
      ['server', 'circuit-open', 'circuit-open'],
    )
    assert.equal(starts.length, 1)
  })

  it('does not count not-found or bad-request towards opening the circuit', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { failureThreshold: 2, maxRetries: 0 })
    const { call } = scriptedCall(clock, ['server', 'not-found', 'server', 'bad-request', 'server'])
    for (let i = 0; i < 5; i++) await assert.rejects(limiter.run(call))
    assert.equal(limiter.stats.circuit, 'closed')
  })

  it('counts calls, retries, rate-limit errors and errors by kind', async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, { maxRetries: 2, failureThreshold: 10 })
    const { call } = scriptedCall(clock, ['rate-limited', 'ok', 'not-found', 'server', 'server', 'server', 'ok'])
    await limiter.run(call)
    await assert.rejects(limiter.run(call))
    await assert.rejects(limiter.run(call))
    await limiter.run(call)
    const { calls, retries, rateLimited, errors, circuitOpened } = limiter.stats
    assert.deepEqual({ calls, retries, rateLimited, circuitOpened }, { calls: 7, retries: 3, rateLimited: 1, circuitOpened: 0 })
    assert.deepEqual(
      Object.entries(errors).filter(([, n]) => n > 0),
      [
        ['rate-limited', 1],
        ['not-found', 1],
        ['server', 3],
      ],
    )
  })

  it('refuses options that make no sense', () => {
    assert.throws(() => new CallLimiter({ callsPerSecond: 0 }), /callsPerSecond/)
    assert.throws(() => new CallLimiter({ maxInFlight: 1.5 }), /maxInFlight/)
  })
})
