/**
 * AT&T Telegence's REST API as simopt assumes it on the wire: paths, headers, answers and error shapes. AT&T
 * publishes no public description; the headers and fields are those the old system used
 * (platform_flows.md §3.4), the paths and JSON shapes are simopt's assumptions, each listed in
 * docs/decisions.md ("Telegence (issue 21)"). The client parses answers with these schemas; the simulator
 * answers in exactly these shapes.
 */
import { z } from 'zod'

export const API_BASE = '/sp/mobility/api/v1'
/** The billing accounts (BANs) under a foundation account (FAN). */
export const bansPath = (fan: string) => `${API_BASE}/fan/${encodeURIComponent(fan)}/bans`
/** A BAN's subscribers, paged by the request headers {@link PAGE_HEADERS}. */
export const subscribersPath = (ban: string) => `${API_BASE}/ban/${encodeURIComponent(ban)}/subscribers`
/** One subscriber's detail (GET) and its plan change (PATCH). */
export const subscriberPath = (subscriberNumber: string) => `${API_BASE}/subscriber/${encodeURIComponent(subscriberNumber)}`

/** Authentication: both on every call. */
export const AUTH_HEADERS = { appId: 'app-id', appSecret: 'app-secret' } as const
/** Paging: asked by `current-page` (from 1) and `page-size`; answered by `page-total` and `refresh-timestamp`. */
export const PAGE_HEADERS = { currentPage: 'current-page', pageSize: 'page-size', pageTotal: 'page-total', refreshTimestamp: 'refresh-timestamp' } as const
/** Subscribers per page the old system asked for (`BatchSize`), and the most simopt assumes the API gives. */
export const DEFAULT_PAGE_SIZE = 250
export const MAX_PAGE_SIZE = 500

/** Subscriber statuses: active, suspended, cancelled, reserved (assumed letters, docs/decisions.md). */
export const SUBSCRIBER_STATUSES = ['A', 'S', 'C', 'R'] as const
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number]

/** Error codes of `{code, message}` answers. */
export const TELEGENCE_ERRORS = {
  /** 401: app-id / app-secret missing or wrong. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** 429: more calls than the app may make. */
  THROTTLED: 'TOO_MANY_REQUESTS',
  /** 404: no such FAN, BAN or subscriber for this app. */
  NOT_FOUND: 'NOT_FOUND',
  /** 400: the SOC is not one the subscriber's account may use. */
  INVALID_SOC: 'INVALID_SOC',
  /** 400: a header or body field is missing or not valid. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** 500: the platform failed. */
  SERVER_ERROR: 'SERVER_ERROR',
} as const

export const errorBody = z.object({ code: z.string(), message: z.string() })
export type ErrorBody = z.infer<typeof errorBody>

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: (issue) => `must be a date yyyy-mm-dd, got ${JSON.stringify(issue.input)}` })

export const bansAnswer = z.object({
  foundationAccountNumber: z.string().min(1),
  bans: z.array(z.object({ billingAccountNumber: z.string().min(1), banStatus: z.string() })),
})
export type BansAnswer = z.infer<typeof bansAnswer>

export const subscribersAnswer = z.object({
  billingAccountNumber: z.string().min(1),
  subscribers: z.array(z.object({ subscriberNumber: z.string().min(1), subscriberNumberStatus: z.enum(SUBSCRIBER_STATUSES) })),
})
export type SubscribersAnswer = z.infer<typeof subscribersAnswer>

export const subscriberDetail = z.object({
  subscriberNumber: z.string().min(1),
  billingAccountNumber: z.string().min(1),
  subscriberNumberStatus: z.enum(SUBSCRIBER_STATUSES),
  /** The rate plan's SOC ("single user code"): simopt's rate plan code. */
  singleUserCode: z.string().min(1),
  singleUserCodeDescription: z.string(),
  iccid: z.string().regex(/^\d{18,22}$/, { error: (issue) => `must be an ICCID of 18 to 22 digits, got ${JSON.stringify(issue.input)}` }),
  imei: z.string().nullable(),
  subscriberActivatedDate: date.nullable(),
  nextBillCycleDate: date,
})
export type SubscriberDetail = z.infer<typeof subscriberDetail>

/** PATCH body of a plan change: the new SOC, effective at once. */
export const socChangeBody = z.object({ singleUserCode: z.string().min(1) })
export type SocChangeBody = z.infer<typeof socChangeBody>

export const socChangeAnswer = z.object({ subscriberNumber: z.string(), singleUserCode: z.string(), status: z.literal('COMPLETED') })
export type SocChangeAnswer = z.infer<typeof socChangeAnswer>
