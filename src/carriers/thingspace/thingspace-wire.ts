/**
 * The Verizon ThingSpace Connectivity Management API (`/api/m2m/v1`) and its OAuth endpoint as they are on
 * the wire, for the calls simopt makes: paths, bodies, answers, error shapes and codes. The client parses
 * answers with these schemas and the simulator answers in exactly these shapes. Where Verizon's public
 * description is thin, docs/decisions.md ("ThingSpace: what the simulator assumes") says what was assumed.
 */
import { z } from 'zod'

export const OAUTH_TOKEN_PATH = '/api/ts/v1/oauth2/token'
export const M2M_BASE = '/api/m2m/v1'
export const SESSION_LOGIN_PATH = `${M2M_BASE}/session/login`
export const DEVICE_LIST_PATH = `${M2M_BASE}/devices/actions/list`
export const DEVICE_USAGE_PATH = `${M2M_BASE}/devices/usage/actions/list`
export const CHANGE_PLAN_PATH = `${M2M_BASE}/devices/actions/plan`
export const callbacksPath = (accountName: string) => `${M2M_BASE}/callbacks/${encodeURIComponent(accountName)}`
export const requestStatusPath = (accountName: string, requestId: string) =>
  `${M2M_BASE}/accounts/${encodeURIComponent(accountName)}/requests/${encodeURIComponent(requestId)}/status`
export const servicePlansPath = (accountName: string) => `${M2M_BASE}/plans/${encodeURIComponent(accountName)}`

/** Devices per `devices/actions/list` answer at most. */
export const MAX_DEVICES_PER_PAGE = 2000
/** Daily records per `devices/usage/actions/list` answer at most. */
export const MAX_USAGE_RECORDS = 500
/** Service plan changes a device may have per month (Verizon's provisioning rules). */
export const PLAN_CHANGES_PER_MONTH = 4
/** The callback service that reports the outcome of a service plan change. */
export const CARRIER_SERVICE = 'CarrierService'
/** The extended attribute holding a device's numeric id: the cursor `largestDeviceIdSeen` continues after. */
export const DEVICE_ID_ATTRIBUTE = 'DeviceId'

/**
 * Error codes of `{errorCode, errorMessage}` answers, without the service name Verizon puts in front
 * (`UnifiedWebService.REQUEST_FAILED.AccountNotFound`): Verizon advises matching on the part after it.
 */
export const THINGSPACE_ERRORS = {
  /** 401: the VZ-M2M session token is expired or unknown. */
  SESSION_EXPIRED: 'REQUEST_FAILED.SessionToken.Expired',
  /** 401: the session login was refused (user name or password). */
  LOGIN_FAILED: 'REQUEST_FAILED.Login.InvalidCredentials',
  /** 429: more calls than the account may make (assumed code, docs/decisions.md). */
  THROTTLED: 'REQUEST_FAILED.RequestThrottled',
  /** 400: a parameter is missing or not valid. */
  INPUT_INVALID: 'INPUT_INVALID.InvalidParameter',
  /** 404: no device with this identifier in the account. */
  DEVICE_NOT_FOUND: 'REQUEST_FAILED.DeviceNotFound',
  /** 404: no such account, or no such request id in it. */
  ACCOUNT_NOT_FOUND: 'REQUEST_FAILED.AccountNotFound',
  REQUEST_NOT_FOUND: 'REQUEST_FAILED.RequestNotFound',
  /** 400: the service plan is not one of the account's. */
  SERVICE_PLAN_INVALID: 'INPUT_INVALID.ServicePlan.Invalid',
  /** 400 (or a failed outcome): the device had its 4 service plan changes this month. */
  CHANGE_LIMIT_REACHED: 'REQUEST_FAILED.ServicePlanChangeLimitReached',
  /** 400 (or a failed outcome): the device is suspended; no plan change while it is. */
  DEVICE_SUSPENDED: 'REQUEST_FAILED.DeviceSuspended',
  /** 500: the platform failed. */
  UNEXPECTED: 'REQUEST_FAILED.UnexpectedError',
} as const

export type ThingSpaceErrorCode = (typeof THINGSPACE_ERRORS)[keyof typeof THINGSPACE_ERRORS]

/** The part of `errorCode` after the service name: `REQUEST_FAILED.DeviceNotFound`. */
export function errorCodeWithoutService(errorCode: string): string {
  const at = errorCode.search(/(REQUEST_FAILED|INPUT_INVALID)\./)
  return at <= 0 ? errorCode : errorCode.slice(at)
}

/** Connectivity Management errors: `{errorCode, errorMessage}`. */
export const errorBody = z.object({ errorCode: z.string(), errorMessage: z.string() })
export type ErrorBody = z.infer<typeof errorBody>
/** The API gateway's errors (bad or expired bearer token: code `900901`). */
export const gatewayFault = z.object({ fault: z.object({ code: z.string(), message: z.string(), description: z.string().optional() }) })
export type GatewayFault = z.infer<typeof gatewayFault>
export const GATEWAY_INVALID_CREDENTIALS = '900901'
/** The OAuth endpoint's errors (RFC 6749 §5.2). */
export const oauthError = z.object({ error: z.string(), error_description: z.string().optional() })

/** ISO 8601 with an offset or `Z`, as ThingSpace writes dates: `2020-05-09T20:00:00-04:00`. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/
export const isoDate = z.string().refine((text) => ISO_DATE.test(text) && !Number.isNaN(Date.parse(text)), {
  error: (issue) => `must be an ISO 8601 date with an offset, got ${JSON.stringify(issue.input)}`,
})

/** `2026-11-16T12:00:00Z`, as requests send `earliest` and `latest` (always UTC here). */
export function formatDate(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** `POST /api/ts/v1/oauth2/token` (form body `grant_type=client_credentials`, Basic app key:secret). */
export const accessToken = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  /** Seconds from now. */
  expires_in: z.number().int().nonnegative(),
  scope: z.string().optional(),
})
export type AccessToken = z.infer<typeof accessToken>

/** `POST /session/login` body: the account's UWS user. */
export const sessionLoginBody = z.object({ username: z.string().min(1), password: z.string().min(1) })
export type SessionLoginBody = z.infer<typeof sessionLoginBody>
/** `POST /session/login` answer; `expiresIn` in seconds. */
export const sessionToken = z.object({ sessionToken: z.string().min(1), expiresIn: z.number().int().nonnegative() })
export type SessionToken = z.infer<typeof sessionToken>

export const DEVICE_ID_KINDS = ['iccId', 'imsi', 'msisdn', 'imei', 'mdn', 'meid', 'esn', 'eid'] as const
/** Kinds are written in varying case (`iccId`, `iccid`); compare them lowercased. */
export const deviceIdentifier = z.object({ kind: z.string(), id: z.string() })
export type DeviceIdentifier = z.infer<typeof deviceIdentifier>

/** Provisioning states as `carrierInformations.state` names them. */
export const DEVICE_STATES = ['active', 'suspend', 'deactive', 'pending activation', 'pre-active'] as const
export type DeviceState = (typeof DEVICE_STATES)[number]

/**
 * `POST /devices/actions/list` body: one account, after the device with id `largestDeviceIdSeen` (absent: from
 * the start); or the one device `deviceId` names (Verizon's "Retrieve Device Information" of one device).
 */
export const deviceListBody = z.object({ accountName: z.string().min(1), largestDeviceIdSeen: z.number().int().nonnegative().optional(), deviceId: deviceIdentifier.optional() })
export type DeviceListBody = z.infer<typeof deviceListBody>

const keyValue = z.object({ key: z.string(), value: z.string() })

/** A device in a list answer; only what simopt reads is required. */
export const listedDevice = z.object({
  accountName: z.string(),
  billingCycleEndDate: isoDate,
  carrierInformations: z.array(z.object({ carrierName: z.string().optional(), servicePlan: z.string(), state: z.string() })).min(1),
  connected: z.boolean().optional(),
  createdAt: isoDate.optional(),
  deviceIds: z.array(deviceIdentifier),
  extendedAttributes: z.array(keyValue).optional(),
  ipAddress: z.string().optional(),
  lastActivationDate: isoDate.nullish(),
  lastConnectionDate: isoDate.nullish(),
})
export type ListedDevice = z.infer<typeof listedDevice>

export const deviceListPage = z.object({ hasMoreData: z.boolean(), devices: z.array(listedDevice) })
export type DeviceListPage = z.infer<typeof deviceListPage>

/** `POST /devices/usage/actions/list` body: one device's daily usage with timestamps in `[earliest, latest]`. */
export const usageBody = z.object({ deviceId: deviceIdentifier, earliest: isoDate, latest: isoDate })
export type UsageBody = z.infer<typeof usageBody>

/** One day's usage; `timestamp` is the day's start. Data in bytes. */
export const usageRecord = z.object({
  bytesUsed: z.number().int().nonnegative(),
  smsUsed: z.number().int().nonnegative(),
  source: z.string().optional(),
  timestamp: isoDate,
  servicePlan: z.string().optional(),
})
export type UsageRecord = z.infer<typeof usageRecord>
/** At most {@link MAX_USAGE_RECORDS} records, oldest first; `hasMoreData`: ask again from after the last one. */
export const usagePage = z.object({ hasMoreData: z.boolean(), usageHistory: z.array(usageRecord) })
export type UsagePage = z.infer<typeof usagePage>

/** `PUT /devices/actions/plan` body (simopt changes one device per request, so each outcome is one device's). */
export const changePlanBody = z.object({
  accountName: z.string().min(1),
  devices: z.array(z.object({ deviceIds: z.array(deviceIdentifier).min(1) })).min(1),
  servicePlan: z.string().min(1),
})
export type ChangePlanBody = z.infer<typeof changePlanBody>
/** Every asynchronous request is answered with the id its outcome will carry. */
export const requestAccepted = z.object({ requestId: z.string().min(1) })
export type RequestAccepted = z.infer<typeof requestAccepted>

export const REQUEST_STATUSES = ['Pending', 'Success', 'Failed'] as const
export type RequestStatus = (typeof REQUEST_STATUSES)[number]
/** `GET /accounts/{accountName}/requests/{requestId}/status`. */
export const requestStatus = z.object({ requestId: z.string(), status: z.enum(REQUEST_STATUSES) })
export type RequestStatusAnswer = z.infer<typeof requestStatus>

/** `POST /callbacks/{accountName}` body and answer. */
export const registerCallbackBody = z.object({ name: z.string().min(1), url: z.string().min(1), username: z.string().optional(), password: z.string().optional() })
export type RegisterCallbackBody = z.infer<typeof registerCallbackBody>
export const callbackRegistered = z.object({ accountName: z.string(), name: z.string() })

/** `GET /plans/{accountName}`: the account's service plans. */
export const servicePlans = z.array(z.object({ name: z.string(), code: z.string(), sizeKb: z.number().nullish(), carrierServicePlanCode: z.string().nullish() }))
export type ServicePlans = z.infer<typeof servicePlans>

/**
 * What ThingSpace POSTs to a registered CarrierService URL when a change request is done: for each device,
 * either its new plan (`deviceResponse`) or why it failed (`faultResponse`).
 */
export const carrierServiceCallback = z.object({
  requestId: z.string(),
  deviceIds: z.array(deviceIdentifier),
  deviceResponse: z.object({ carrierService: z.object({ servicePlan: z.string() }) }).optional(),
  faultResponse: z.object({ faultcode: z.string(), faultstring: z.string() }).optional(),
  status: z.enum(['Success', 'Failed']),
  callbackCount: z.number().int().optional(),
  maxCallbackThreshold: z.number().int().optional(),
})
export type CarrierServiceCallback = z.infer<typeof carrierServiceCallback>
