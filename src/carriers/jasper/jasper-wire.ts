/**
 * The Jasper (Cisco IoT Control Center) REST API `rws/api/v1` as it is on the wire: paths, query
 * parameters, bodies, error codes and date formats (../shared/reference/jasper_api.md). The client parses
 * answers with these schemas, and the simulator answers in exactly these shapes, so the two cannot drift
 * apart without a test noticing.
 */
import { z } from 'zod'
import { localDate } from '../../domain/index.js'

export const API_BASE = '/rws/api/v1'
/** Jasper pages hold at most 50 records; 50 is also the default. */
export const MAX_PAGE_SIZE = 50

/** Error codes the API answers with (HTTP status in the comment). */
export const JASPER_ERRORS = {
  /** 401: bad user name or API key, or the caller's IP is not allowed. */
  INVALID_CREDENTIALS: '10000001',
  /** 400: `GET /devices` without `modifiedSince`. */
  MODIFIED_SINCE_REQUIRED: '10000003',
  /** 400: the request body is not JSON. */
  JSON_NOT_WELL_FORMED: '10000023',
  /** 400: a query parameter is not known, or its value is not valid. */
  UNRECOGNIZED_PARAMETER: '10000028',
  /** 400: the user's role or account type may not call this function (usage by rate plan on an Essential account). */
  ROLE_NOT_ALLOWED: '10000030',
  /** 400: `modifiedSince` is more than a year old. */
  MODIFIED_SINCE_TOO_OLD: '10000045',
  /** 400: `modifiedSince` is in the future. */
  MODIFIED_SINCE_IN_FUTURE: '10002119',
  /** 404: no device with this ICCID. */
  INVALID_ICCID: '20000001',
  /** 500: unknown server error. */
  SERVER_ERROR: '30000001',
  /** 400: more calls in the last second than the account may make. */
  RATE_LIMIT_EXCEEDED: '40000029',
} as const

export type JasperErrorCode = (typeof JASPER_ERRORS)[keyof typeof JASPER_ERRORS]

/** Error body; `errorCode` is missing on some failures before authentication (401 without a header). */
export const errorBody = z.object({ errorMessage: z.string(), errorCode: z.string().optional() })
export type ErrorBody = z.infer<typeof errorBody>

/**
 * Dates in responses: `2016-06-29 00:21:33.339+0000` (space, milliseconds, offset without a colon). Requests
 * (`modifiedSince`, `modifiedTill`) use ISO 8601 with an offset: `2016-04-18T17:31:34+00:00`; the parser
 * takes both, and `Z`.
 */
export const RESPONSE_DATE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})$/

/** Epoch milliseconds of a date in either format. @throws Error naming the text when it is neither, or not a real date. */
export function parseJasperDate(text: string): number {
  const match = RESPONSE_DATE.exec(text)
  if (match === null) throw new Error(`not a Jasper date: ${JSON.stringify(text)}`)
  const [, year, month, day, hour, minute, second, millis = '0', zone] = match
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(millis.padEnd(3, '0')))
  // Date.UTC rolls month 13 or hour 25 over into the next year or day; a real date reads back the same.
  const check = new Date(utc)
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || check.getUTCHours() !== Number(hour) || check.getUTCMinutes() !== Number(minute) || check.getUTCSeconds() !== Number(second)) {
    throw new Error(`not a real date: ${JSON.stringify(text)}`)
  }
  if (zone === 'Z') return utc
  const sign = zone!.startsWith('-') ? -1 : 1
  const digits = zone!.slice(1).replace(':', '')
  return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** `2016-06-29 00:21:33.339+0000`, as the API writes dates in responses (always UTC here). */
export function formatResponseDate(at: number): string {
  const d = new Date(at)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`
}

/** `2016-04-18T17:31:34+00:00`, as requests send `modifiedSince` and `modifiedTill` (URL-encode the `+`). */
export function formatRequestDate(at: number): string {
  const d = new Date(at)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+00:00`
}

/**
 * `yyyy-MM-dd`, the `cycleStartDate` of `GET /usages`: the date a cycle starting at `at` starts on in the
 * account's billing time zone (a cycle starting at midnight in Tokyo starts the day before in UTC).
 */
export function formatCycleDate(at: number, timeZone: string): string {
  return localDate(at, timeZone)
}

const isJasperDate = (text: string): boolean => {
  try {
    parseJasperDate(text)
    return true
  } catch {
    return false
  }
}
const jasperDate = z.string().refine(isJasperDate, { error: (issue) => `must be a Jasper date, got ${JSON.stringify(issue.input)}` })

/** `GET /devices?modifiedSince=…&modifiedTill=…&pageSize=…&pageNumber=…`: oldest change first. */
export const deviceListPage = z.object({
  devices: z.array(z.object({ iccid: z.string(), status: z.string(), ratePlan: z.string(), communicationPlan: z.string() })),
  pageNumber: z.number().int(),
  lastPage: z.boolean(),
})
export type DeviceListPage = z.infer<typeof deviceListPage>

/** What the device answers (`details`, `ctdUsages`) both start with. */
function deviceIdentity() {
  return z.object({
    iccid: z.string(),
    imsi: z.string().nullish(),
    msisdn: z.string().nullish(),
    imei: z.string().nullish(),
    status: z.string(),
    ratePlan: z.string(),
    communicationPlan: z.string(),
  })
}

/**
 * `GET /devices/{iccid}`. Fields simopt does not read may be missing (pods differ): only what it reads is
 * required, so an answer without, say, `fixedIPAddress` is still understood.
 */
export const deviceDetails = deviceIdentity().extend({
  customer: z.string().nullish(),
  endConsumerId: z.string().nullish(),
  dateActivated: jasperDate.nullish(),
  dateAdded: jasperDate.nullish(),
  dateUpdated: jasperDate,
  dateShipped: jasperDate.nullish(),
  accountId: z.string().nullish(),
  fixedIPAddress: z.string().nullish(),
})
export type DeviceDetails = z.infer<typeof deviceDetails>

/** `GET /devices/{iccid}/ctdUsages`: usage since the cycle started; data in bytes. */
export const ctdUsage = deviceIdentity().extend({
  ctdDataUsage: z.number().int().nonnegative(),
  ctdSMSUsage: z.number().int().nonnegative(),
  ctdVoiceUsage: z.number().int().nonnegative().nullish(),
  ctdSessionCount: z.number().int().nonnegative().nullish(),
  overageLimitReached: z.boolean().nullish(),
  overageLimitOverride: z.enum(['DEFAULT', 'TEMPORARY_OVERRIDE', 'PERMANENT_OVERRIDE']).nullish(),
})
export type CtdUsage = z.infer<typeof ctdUsage>

/**
 * `GET /usages?ratePlanName=…&cycleStartDate=yyyy-MM-dd&pageSize=…&pageNumber=…`: the cycle's usage of every
 * device on one rate plan, 50 a page; data in bytes. Not for shared (pooled) plans, and only on Advantage
 * accounts: both answer `10000030`.
 */
export const ratePlanUsagePage = z.object({
  zones: z.array(
    z.object({
      zone: z.string(),
      devices: z.array(
        z.object({
          deviceId: z.string(),
          usage: z.object({
            dataUsage: z.number().int().nonnegative(),
            smsMOUsage: z.number().int().nonnegative(),
            smsMTUsage: z.number().int().nonnegative(),
            voiceMOUsage: z.number().int().nonnegative(),
            voiceMTUsage: z.number().int().nonnegative(),
          }),
        }),
      ),
    }),
  ),
  pageNumber: z.number().int(),
  lastPage: z.boolean(),
})
export type RatePlanUsagePage = z.infer<typeof ratePlanUsagePage>

/** `GET /rateplans?pageSize=…&pageNumber=…`: published plans (names only matter to simopt; prices come from the price sheet). */
export const ratePlansPage = z.object({
  operatorName: z.string().nullish(),
  operatorId: z.number().int().nullish(),
  timeStamp: z.string().nullish(),
  pageNumber: z.number().int(),
  lastPage: z.boolean(),
  ratePlans: z.array(z.object({ name: z.string(), shared: z.boolean(), type: z.string().nullish() })),
})
export type RatePlansPage = z.infer<typeof ratePlansPage>

/** `PUT /devices/{iccid}` body (simopt only changes the rate plan) and its success answer. */
export const editDeviceBody = z.object({ ratePlan: z.string().min(1), effectiveDate: z.string().optional() })
export type EditDeviceBody = z.infer<typeof editDeviceBody>
export const editDeviceAnswer = z.object({ iccid: z.string() })
