/** The simulator's routes under `API_BASE`, each named as the call statistics count it. */
import { API_BASE } from '../jasper-wire.js'
import { ok, type Handler } from './answers.js'
import { deviceDetails, deviceUsage, editDevice, listDevices } from './device-handlers.js'
import { ratePlanUsage, ratePlans } from './plan-handlers.js'

export interface Route {
  readonly method: 'GET' | 'PUT'
  /** Matches the path after `API_BASE`; its one group, if any, is the handler's `id`. */
  readonly pattern: RegExp
  /** `GET /devices/{iccid}`: how the statistics count calls. */
  readonly name: string
  readonly handle: Handler
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/echo\/([^/]+)$/, name: 'GET /echo/{value}', handle: (_call, value) => ok({ echo: value }) },
  { method: 'GET', pattern: /^\/devices$/, name: 'GET /devices', handle: listDevices },
  { method: 'GET', pattern: /^\/devices\/([^/]+)$/, name: 'GET /devices/{iccid}', handle: deviceDetails },
  { method: 'PUT', pattern: /^\/devices\/([^/]+)$/, name: 'PUT /devices/{iccid}', handle: editDevice },
  { method: 'GET', pattern: /^\/devices\/([^/]+)\/ctdUsages$/, name: 'GET /devices/{iccid}/ctdUsages', handle: deviceUsage },
  { method: 'GET', pattern: /^\/usages$/, name: 'GET /usages', handle: ratePlanUsage },
  { method: 'GET', pattern: /^\/rateplans$/, name: 'GET /rateplans', handle: ratePlans },
]

/** The route of a request and its path variable, or undefined (answered 404). */
export function findRoute(method: string, pathname: string): { readonly route: Route; readonly id: string } | undefined {
  if (!pathname.startsWith(`${API_BASE}/`)) return undefined
  const rest = pathname.slice(API_BASE.length)
  for (const route of ROUTES) {
    const match = route.method === method ? route.pattern.exec(rest) : null
    if (match === null) continue
    try {
      return { route, id: decodeURIComponent(match[1] ?? '') }
    } catch {
      // A malformed %-escape names nothing.
      return undefined
    }
  }
  return undefined
}
