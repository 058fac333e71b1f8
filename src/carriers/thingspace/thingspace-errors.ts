/**
 * What a ThingSpace answer that is not a success means: which token a 401 refused, and the
 * {@link CarrierError} kind and code of every other failure.
 */
import { CarrierError, type CarrierErrorKind } from '../carrier.js'
import * as wire from './thingspace-wire.js'

const QUOTE_CHARS = 120

/** A call as messages name it. */
export interface Request {
  readonly method: 'GET' | 'POST' | 'PUT'
  /** From the host's root, with any query string. */
  readonly path: string
  readonly body?: unknown
}

/** An answer as it came, before parsing. */
export interface RawAnswer {
  readonly status: number
  readonly contentType: string
  readonly text: string
}

/** Which token a 401 refused: the gateway's fault is the access token's, the session error the session's. */
export function refusedToken(text: string): 'access' | 'session' | 'both' {
  const json = parseJson(text)
  if (wire.gatewayFault.safeParse(json).success) return 'access'
  const body = wire.errorBody.safeParse(json)
  if (body.success && wire.errorCodeWithoutService(body.data.errorCode) === wire.THINGSPACE_ERRORS.SESSION_EXPIRED) return 'session'
  return 'both'
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function badAnswer(request: Request, what: string, httpStatus?: number): CarrierError {
  return new CarrierError('bad-answer', `${request.method} ${request.path}: unexpected answer, ${what}`, { path: request.path, httpStatus })
}

/** ThingSpace's `{errorCode, errorMessage}`, the gateway's `{fault}`, OAuth's `{error}`, or whatever else answered. */
export function errorOfAnswer(request: Request, answer: RawAnswer): CarrierError {
  const json = parseJson(answer.text)
  const status = answer.status
  let errorCode: string | undefined
  let what: string
  const body = wire.errorBody.safeParse(json)
  const fault = wire.gatewayFault.safeParse(json)
  const oauth = wire.oauthError.safeParse(json)
  if (body.success) {
    errorCode = wire.errorCodeWithoutService(body.data.errorCode)
    what = `${body.data.errorCode} ${body.data.errorMessage}`
  } else if (fault.success) {
    errorCode = fault.data.fault.code
    what = `${fault.data.fault.code} ${fault.data.fault.message}`
  } else if (oauth.success) {
    errorCode = oauth.data.error
    what = oauth.data.error_description === undefined ? oauth.data.error : `${oauth.data.error} ${oauth.data.error_description}`
  } else {
    what = `not a ThingSpace answer (${answer.contentType}): ${quote(answer.text)}`
  }
  return new CarrierError(kindOf(status, errorCode), `${request.method} ${request.path}: ${what} (HTTP ${status})`, { errorCode, httpStatus: status, path: request.path })
}

function kindOf(status: number, errorCode: string | undefined): CarrierErrorKind {
  const codes = wire.THINGSPACE_ERRORS
  if (status === 429 || errorCode === codes.THROTTLED) return 'rate-limited'
  if (status === 401 || status === 403) return 'auth'
  if (status === 404 || errorCode === codes.DEVICE_NOT_FOUND || errorCode === codes.REQUEST_NOT_FOUND) return 'not-found'
  if (status >= 500) return 'server'
  return 'bad-request'
}

export function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return JSON.stringify(flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS)}…` : flat)
}
