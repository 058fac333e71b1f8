/** The ThingSpace simulator's Connectivity Management routes (after authentication), in the shapes of thingspace-wire.ts. */
import type { ZodType } from 'zod'
import * as wire from '../thingspace-wire.js'
import { ok, Rejection, type Answer } from './answers.js'
import type { ChangeRequests } from './change-requests.js'
import type { SimulatedAccount, SimulatedDevice } from './simulated-account.js'

/** One authenticated, admitted call. */
export interface Call {
  readonly account: SimulatedAccount
  readonly requests: ChangeRequests
  /** The simulator's clock at the call, epoch ms. */
  readonly now: number
  /** The body, parsed as JSON; undefined when there is none or it is not JSON. */
  readonly body: unknown
  /** Devices per list answer. */
  readonly pageSize: number
  /** Told of every accepted change, which the faults may act on. */
  readonly accepted: (iccid: string) => void
  readonly accept: (iccid: string, servicePlan: string) => wire.RequestAccepted
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT'
  /** Matches the path after `/api/m2m/v1`; its groups are the handler's `params`. */
  readonly pattern: RegExp
  /** How the call statistics count it. */
  readonly name: string
  readonly handle: (call: Call, params: readonly string[]) => Answer
}

export const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^\/devices\/actions\/list$/, name: 'POST /devices/actions/list', handle: listDevices },
  { method: 'POST', pattern: /^\/devices\/usage\/actions\/list$/, name: 'POST /devices/usage/actions/list', handle: deviceUsage },
  { method: 'PUT', pattern: /^\/devices\/actions\/plan$/, name: 'PUT /devices/actions/plan', handle: changePlan },
  { method: 'GET', pattern: /^\/accounts\/([^/]+)\/requests\/([^/]+)\/status$/, name: 'GET /accounts/{a}/requests/{id}/status', handle: requestStatus },
  { method: 'POST', pattern: /^\/callbacks\/([^/]+)$/, name: 'POST /callbacks/{a}', handle: registerCallback },
  { method: 'GET', pattern: /^\/plans\/([^/]+)$/, name: 'GET /plans/{a}', handle: servicePlans },
]

export function findRoute(method: string, pathname: string): { readonly route: Route; readonly params: readonly string[] } | undefined {
  if (!pathname.startsWith(`${wire.M2M_BASE}/`)) return undefined
  const rest = pathname.slice(wire.M2M_BASE.length)
  for (const route of ROUTES) {
    const match = route.method === method ? route.pattern.exec(rest) : null
    if (match === null) continue
    try {
      return { route, params: match.slice(1).map((part) => decodeURIComponent(part)) }
    } catch {
      return undefined
    }
  }
  return undefined
}

function listDevices(call: Call): Answer {
  const body = parse(call.body, wire.deviceListBody)
  checkAccount(call, body.accountName)
  const cycleEnd = call.account.cycleAt(call.now).end
  if (body.deviceId !== undefined) return ok({ hasMoreData: false, devices: [listed(deviceOf(call, body.deviceId), call.account.accountName, cycleEnd)] } satisfies wire.DeviceListPage)
  const page = call.account.page(body.largestDeviceIdSeen, call.pageSize)
  const answer: wire.DeviceListPage = { hasMoreData: page.hasMoreData, devices: page.devices.map((device) => listed(device, call.account.accountName, cycleEnd)) }
  return ok(answer)
}

function listed(device: SimulatedDevice, accountName: string, cycleEnd: number): wire.ListedDevice {
  return {
    accountName,
    billingCycleEndDate: wire.formatDate(cycleEnd),
    carrierInformations: [{ carrierName: 'Verizon Wireless', servicePlan: device.servicePlan, state: device.state }],
    connected: device.state === 'active',
    createdAt: wire.formatDate(device.createdAt),
    deviceIds: [
      { kind: 'iccId', id: device.iccid },
      { kind: 'imsi', id: device.imsi },
      { kind: 'msisdn', id: device.msisdn },
      { kind: 'imei', id: device.imei },
    ],
    extendedAttributes: [{ key: wire.DEVICE_ID_ATTRIBUTE, value: String(device.deviceId) }],
    lastActivationDate: device.activatedAt === null ? null : wire.formatDate(device.activatedAt),
  }
}

function deviceUsage(call: Call): Answer {
  const body = parse(call.body, wire.usageBody)
  const device = deviceOf(call, body.deviceId)
  const earliest = Date.parse(body.earliest)
  const latest = Date.parse(body.latest)
  if (earliest > latest) throw Rejection.api(400, wire.THINGSPACE_ERRORS.INPUT_INVALID, 'earliest is after latest', 'DeviceService')
  const days = call.account.dailyUsage(device, earliest, latest, call.now)
  const served = days.slice(0, wire.MAX_USAGE_RECORDS)
  const answer: wire.UsagePage = {
    hasMoreData: days.length > served.length,
    usageHistory: served.map(({ day, bytes, sms }) => ({ bytesUsed: bytes, smsUsed: sms, source: 'Rated Usage', timestamp: wire.formatDate(day), servicePlan: device.servicePlan })),
  }
  return ok(answer)
}

function changePlan(call: Call): Answer {
  const body = parse(call.body, wire.changePlanBody)
  checkAccount(call, body.accountName)
  if (body.devices.length !== 1) throw Rejection.api(400, wire.THINGSPACE_ERRORS.INPUT_INVALID, 'the simulator changes one device per request', 'CarrierService')
  const device = deviceOf(call, body.devices[0]!.deviceIds[0]!)
  if (!call.account.servicePlans.includes(body.servicePlan)) {
    throw Rejection.api(400, wire.THINGSPACE_ERRORS.SERVICE_PLAN_INVALID, `Service plan ${body.servicePlan} is not valid for account ${call.account.accountName}`, 'CarrierService')
  }
  if (device.state === 'suspend') throw Rejection.api(400, wire.THINGSPACE_ERRORS.DEVICE_SUSPENDED, `Device ${device.iccid} is suspended; its service plan cannot change`, 'CarrierService')
  if (call.account.changesThisMonth(device.iccid, call.now) >= wire.PLAN_CHANGES_PER_MONTH) {
    throw Rejection.api(400, wire.THINGSPACE_ERRORS.CHANGE_LIMIT_REACHED, `Device ${device.iccid} has had ${wire.PLAN_CHANGES_PER_MONTH} service plan changes this month`, 'CarrierService')
  }
  const accepted = call.accept(device.iccid, body.servicePlan)
  call.accepted(device.iccid)
  return ok(accepted)
}

function requestStatus(call: Call, [accountName = '', requestId = '']: readonly string[]): Answer {
  checkAccount(call, accountName)
  const request = call.requests.get(requestId)
  if (request === undefined) throw Rejection.api(404, wire.THINGSPACE_ERRORS.REQUEST_NOT_FOUND, `No request ${requestId} in account ${accountName}`)
  const answer: wire.RequestStatusAnswer = { requestId, status: request.status }
  return ok(answer)
}

function registerCallback(call: Call, [accountName = '']: readonly string[]): Answer {
  checkAccount(call, accountName)
  const body = parse(call.body, wire.registerCallbackBody)
  if (body.name !== wire.CARRIER_SERVICE) throw Rejection.api(400, wire.THINGSPACE_ERRORS.INPUT_INVALID, `the simulator sends ${wire.CARRIER_SERVICE} callbacks only, not ${body.name}`)
  let url: URL
  try {
    url = new URL(body.url)
  } catch {
    throw Rejection.api(400, wire.THINGSPACE_ERRORS.INPUT_INVALID, 'url is not a URL')
  }
  // The simulator only calls back on this machine: it must never be made to POST to another host.
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw Rejection.api(400, wire.THINGSPACE_ERRORS.INPUT_INVALID, 'the simulator calls back on loopback (http://127.0.0.1:PORT/...) only')
  }
  call.requests.callbackUrl = url.toString()
  return ok({ accountName, name: body.name })
}

function servicePlans(call: Call, [accountName = '']: readonly string[]): Answer {
  checkAccount(call, accountName)
  const answer: wire.ServicePlans = call.account.servicePlans.map((code) => ({ name: code, code, sizeKb: null, carrierServicePlanCode: code }))
  return ok(answer)
}

function parse<T>(body: unknown, schema: ZodType<T>): T {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  throw Rejection.api(400, wire.THINGSPACE_ERRORS.INPUT_INVALID, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'not valid'}`)
}

function checkAccount(call: Call, accountName: string): void {
  if (accountName !== call.account.accountName) throw Rejection.api(400, wire.THINGSPACE_ERRORS.ACCOUNT_NOT_FOUND, `Account ${accountName} not found`)
}

function deviceOf(call: Call, id: wire.DeviceIdentifier): SimulatedDevice {
  if (id.kind.toLowerCase() !== 'iccid') throw Rejection.api(400, wire.THINGSPACE_ERRORS.INPUT_INVALID, `the simulator finds devices by iccId, not ${id.kind}`)
  const device = call.account.device(id.id)
  if (device === undefined) throw Rejection.api(404, wire.THINGSPACE_ERRORS.DEVICE_NOT_FOUND, `Device ${id.id} not found`, 'DeviceService')
  return device
}
