/** What the ThingSpace simulator's handlers answer, and the error answers they refuse calls with. */
import type { ErrorBody, GatewayFault } from '../thingspace-wire.js'

export interface Answer {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** A refused call; handlers throw it and the server answers it. */
export class Rejection extends Error {
  constructor(readonly answer: Answer) {
    super(`HTTP ${answer.status}`)
  }

  /** Connectivity Management's `{errorCode, errorMessage}`; `service` goes in front of the code, as ThingSpace writes it. */
  static api(status: number, code: string, message: string, service = 'UnifiedWebService', headers?: Readonly<Record<string, string>>): Rejection {
    const body: ErrorBody = { errorCode: `${service}.${code}`, errorMessage: message }
    return new Rejection(headers === undefined ? { status, body } : { status, body, headers })
  }

  /** The API gateway's fault (a missing, wrong or expired bearer token). */
  static gateway(status: number, code: string, message: string, description: string): Rejection {
    const body: GatewayFault = { fault: { code, message, description } }
    return new Rejection({ status, body })
  }

  /** The rejection's error code, for the statistics. */
  get code(): string {
    const body = this.answer.body as { errorCode?: string; fault?: { code: string }; error?: string }
    return body.errorCode ?? body.fault?.code ?? body.error ?? 'none'
  }
}

export function ok(body: unknown): Answer {
  return { status: 200, body }
}
