/**
 * The simulator's asynchronous service plan changes: accepted with a request id, done later (when the
 * processing time has passed, or when a test settles them), and told to the registered CarrierService
 * callback URL, unless the fault options lose the callback or make it late.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { Random } from '../../../demo/index.js'
import { THINGSPACE_ERRORS, type CarrierServiceCallback, type RequestStatus } from '../thingspace-wire.js'
import type { SimulatedAccount } from './simulated-account.js'

export interface ChangeRequest {
  readonly requestId: string
  readonly iccid: string
  readonly servicePlan: string
  /** Epoch ms (simulator clock). */
  readonly acceptedAt: number
  status: RequestStatus
  fault: { readonly code: string; readonly message: string } | undefined
}

export interface CallbackFaults {
  /** Share of callbacks never sent, 0..1; which ones follows from the seed. */
  readonly loseCallbacks: number
  /** Delay before a callback is sent, ms. */
  readonly callbackDelayMs: number
}

/** Counters tests read. */
export interface CallbackStats {
  sent: number
  lost: number
  /** Sent, but the listener did not answer 2xx or could not be reached. */
  failed: number
}

export class ChangeRequests {
  readonly #account: SimulatedAccount
  readonly #requests = new Map<string, ChangeRequest>()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #deliveries = new Set<Promise<void>>()
  readonly #random: Random
  #next = 1
  callbackUrl: string | undefined
  readonly callbackStats: CallbackStats = { sent: 0, lost: 0, failed: 0 }

  constructor(account: SimulatedAccount, seed: number) {
    this.#account = account
    this.#random = new Random(seed ^ 0x0ca1_1bac)
  }

  get(requestId: string): ChangeRequest | undefined {
    return this.#requests.get(requestId)
  }

  all(): readonly ChangeRequest[] {
    return [...this.#requests.values()]
  }

  /** Records an accepted change; it is done after `processingMs`, or by {@link settle} when that is null. */
  accept(iccid: string, servicePlan: string, at: number, processingMs: number | null, settleAt: () => number, faults: () => CallbackFaults): ChangeRequest {
    const requestId = `${(0x1000_0000 + this.#next++).toString(16)}-5eed-4c0d-8a5e-${String(at % 1e12).padStart(12, '0')}`
    const request: ChangeRequest = { requestId, iccid, servicePlan, acceptedAt: at, status: 'Pending', fault: undefined }
    this.#requests.set(requestId, request)
    this.#account.countChange(iccid, at)
    if (processingMs !== null) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        this.#finish(request, settleAt(), faults())
      }, processingMs)
      this.#timers.add(timer)
    }
    return request
  }

  /** Does every pending change now; resolves once their callbacks are sent (or lost). */
  async settle(at: number, faults: CallbackFaults): Promise<readonly ChangeRequest[]> {
    const done = [...this.#requests.values()].filter((request) => request.status === 'Pending')
    for (const request of done) this.#finish(request, at, faults)
    await this.idle()
    return done
  }

  /** Resolves when no callback is being sent. */
  async idle(): Promise<void> {
    while (this.#deliveries.size > 0) await Promise.all([...this.#deliveries])
  }

  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }

  #finish(request: ChangeRequest, at: number, faults: CallbackFaults): void {
    if (request.status !== 'Pending') return
    const device = this.#account.device(request.iccid)
    if (device === undefined || device.state === 'suspend') {
      // Suspended after the change was accepted: the change is refused when it is done, not when asked.
      request.status = 'Failed'
      request.fault = { code: `DeviceService.${THINGSPACE_ERRORS.DEVICE_SUSPENDED}`, message: `Device ${request.iccid} is suspended; its service plan cannot change` }
      this.#account.uncountChange(request.iccid, request.acceptedAt)
    } else {
      device.servicePlan = request.servicePlan
      request.status = 'Success'
    }
    this.#callback(request, faults)
  }

  #callback(request: ChangeRequest, faults: CallbackFaults): void {
    const url = this.callbackUrl
    if (url === undefined) return
    if (faults.loseCallbacks > 0 && this.#random.next() < faults.loseCallbacks) {
      this.callbackStats.lost++
      return
    }
    const body: CarrierServiceCallback = {
      requestId: request.requestId,
      deviceIds: [{ kind: 'iccId', id: request.iccid }],
      status: request.status === 'Success' ? 'Success' : 'Failed',
      callbackCount: 1,
      maxCallbackThreshold: 4,
      ...(request.status === 'Success'
        ? { deviceResponse: { carrierService: { servicePlan: request.servicePlan } } }
        : { faultResponse: { faultcode: request.fault?.code ?? 'UnexpectedError', faultstring: request.fault?.message ?? 'failed' } }),
    }
    const delivery = (async () => {
      if (faults.callbackDelayMs > 0) await delay(faults.callbackDelayMs)
      this.callbackStats.sent++
      try {
        const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
        await response.arrayBuffer()
        if (!response.ok) this.callbackStats.failed++
      } catch {
        this.callbackStats.failed++
      }
    })()
    this.#deliveries.add(delivery)
    void delivery.finally(() => this.#deliveries.delete(delivery))
  }
}
