/**
 * A tenant's settings, kept as JSON on the tenant and validated whenever read: who gets which e-mail with
 * which subject, where its webhook goes, and how its sessions run (approval, the last day's runs). A
 * message without recipients is not an error that stops anything: it waits in the outbox as
 * `unaddressed`, and `simopt status` says what to set.
 */
import { z } from 'zod'
import { DEFAULT_TIME_ZONE, isTimeZone, mailboxAddress } from '../domain/index.js'
import { parseSettingsJson } from '../store/index.js'

/** Every e-mail simopt sends (issue 6); `progress` and `error` are the webhook's events. */
export const EMAIL_KINDS = [
  'results',
  'customer-results',
  'sync-error',
  'already-running',
  'unexpected-sim-count',
  'cache-unreachable',
  'go-no-go',
  'plan-discrepancies',
  'new-comm-plans',
  'usage-feed-stale',
] as const
export type EmailKind = (typeof EMAIL_KINDS)[number]

const addresses = z.array(z.email({ error: (issue) => `${JSON.stringify(issue.input)} is not an e-mail address` }))

const emailSetting = z.object({
  /** Recipients of this message; absent: the tenant's default recipients. */
  to: addresses.optional(),
  /** Subject; `{tenant}`, `{provider}` and `{period}` are filled in. */
  subject: z.string().min(1).max(200).optional(),
})

export const tenantSettingsSchema = z.object({
  /** Recipients of every message that names none of its own. */
  emailTo: addresses.default([]),
  email: z.partialRecord(z.enum(EMAIL_KINDS), emailSetting).default({}),
  /** The tenant's portal: progress and errors of its sessions, signed with the tenant's webhook secret. */
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** A fleet whose SIM count moved more than this (percent) since the last finished session is reported. */
  simCountChangePct: z.number().min(0).max(1000).default(20),
  /** Rate plan changes wait for an operator's approval (`simopt changes approve`) before any is pushed. */
  requireApproval: z.boolean().default(false),
  /** Sessions run every hour on the period's last day (from the start hour), not once (`domain/schedule.ts`). */
  continuousLastDay: z.boolean().default(false),
  /** IANA time zone the tenant's people read times in: e-mails, workbooks, the command line. */
  timeZone: z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }).default(DEFAULT_TIME_ZONE),
  /** The From of the tenant's e-mails (`Name <address>` or an address); absent: `SIMOPT_MAIL_FROM`. */
  emailFrom: z
    .string()
    .max(200)
    .refine((text) => mailboxAddress(text) !== undefined, { error: (issue) => `${JSON.stringify(issue.input)} is not an e-mail address or Name <address>` })
    .optional(),
})

export type TenantSettings = z.infer<typeof tenantSettingsSchema>

/** @throws SimoptError `INPUT_INVALID` naming the tenant and the setting when the stored settings are not valid. */
export function parseTenantSettings(json: string, tenant: string): TenantSettings {
  return parseSettingsJson(tenantSettingsSchema, json, `tenant ${tenant}`)
}

/** Who gets a message of this kind: its own list, else the tenant's default list. */
export function recipientsOf(settings: TenantSettings, kind: EmailKind): readonly string[] {
  return settings.email[kind]?.to ?? settings.emailTo
}
