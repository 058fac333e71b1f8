/**
 * A listener for ThingSpace's CarrierService callbacks: the outcomes of service plan changes, POSTed by the
 * carrier to the URL registered with `registerChangeCallback`. Callbacks may never come or come late, so
 * an outcome is something to wait for with a fallback (polling `changeStatus`), never to rely on alone.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { listenOnLoopback } from '../loopback-server.js'
import * as wire from './thingspace-wire.js'

/** A change's outcome as the callback told it. */
export interface ChangeOutcome {
  readonly requestId: string
  readonly iccid: string | undefined
  readonly succeeded: boolean
  /** The plan the device is on now, when it succeeded. */
  readonly servicePlan: string | undefined
  /** `faultcode` without the service name, when it failed. */
  readonly errorCode: string | undefined
  readonly reason: string | undefined
}

export interface ChangeCallbackListener {
  /** The URL to register. */
  readonly url: string
  /** Outcomes received so far, by request id. */
  readonly received: ReadonlyMap<string, ChangeOutcome>
  /** Resolves with the request's outcome once its callback has come (at once when it already has). */
  outcomeOf(requestId: string): Promise<ChangeOutcome>
  close(): Promise<void>
}

/** Reads one callback body. @returns undefined when it is not a CarrierService callback. */
export function parseChangeCallback(json: unknown): ChangeOutcome | undefined {
  const parsed = wire.carrierServiceCallback.safeParse(json)
  if (!parsed.success) return undefined
  const callback = parsed.data
  return {
    requestId: callback.requestId,
    iccid: callback.deviceIds.find(({ kind }) => kind.toLowerCase() === 'iccid')?.id,
    succeeded: callback.status === 'Success',
    servicePlan: callback.deviceResponse?.carrierService.servicePlan,
    errorCode: callback.faultResponse === undefined ? undefined : wire.errorCodeWithoutService(callback.faultResponse.faultcode),
    reason: callback.faultResponse?.faultstring,
  }
}

/** Listens on 127.0.0.1 (`port` 0: any free port). */
export async function startChangeCallbackListener(options: { readonly port?: number } = {}): Promise<ChangeCallbackListener> {
  const received = new Map<string, ChangeOutcome>()
  const waiting = new Map<string, ((outcome: ChangeOutcome) => void)[]>()

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    let json: unknown
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      json = undefined
    }
    const outcome = request.method === 'POST' ? parseChangeCallback(json) : undefined
    if (outcome === undefined) {
      response.writeHead(400).end()
      return
    }
    // The carrier may send the same callback again: the first one counts.
    if (!received.has(outcome.requestId)) received.set(outcome.requestId, outcome)
    for (const resolve of waiting.get(outcome.requestId) ?? []) resolve(outcome)
    waiting.delete(outcome.requestId)
    response.writeHead(200).end()
  }

  const server = await listenOnLoopback(options.port ?? 0, serve)
  return {
    url: `${server.url}/thingspace/carrier-service`,
    received,
    outcomeOf(requestId) {
      const known = received.get(requestId)
      if (known !== undefined) return Promise.resolve(known)
      return new Promise((resolve) => waiting.set(requestId, [...(waiting.get(requestId) ?? []), resolve]))
    },
    close: server.close,
  }
}
