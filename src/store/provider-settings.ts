/** A service provider's settings (DESIGN.md §1), kept as JSON and validated whenever read. */
import { z } from 'zod'
import { DEFAULT_CURRENCY, DEFAULT_PROJECTION, FLEET_KINDS, isCurrencyCode } from '../domain/index.js'
import { parseSettingsJson } from './settings-json.js'

export const providerSettingsSchema = z.object({
  /** The carrier prorates monthly rate and allowance of SIMs active part of the period. */
  prorate: z.boolean().default(false),
  /** simopt may push rate plan changes to the carrier. */
  writeEnabled: z.boolean().default(false),
  /** Calls per second the carrier account allows (Jasper: 5, counted over every user of the account). */
  callsPerSecond: z.number().int().min(1).max(1000).default(5),
  /** Calls the account may have in flight at once (Jasper: 1; concurrent use gets an account throttled). */
  callsInFlight: z.number().int().min(1).max(64).default(1),
  /** A SIM changes plan only if the change alone saves at least this much (0: any saving). */
  minSavingPerChange: z.number().min(0).default(0),
  /** ISO 4217 code of the account's money: what reports, e-mails, the dashboard and the CLI show amounts in. */
  currency: z.string().refine(isCurrencyCode, { error: 'must be an ISO 4217 currency code such as USD or EUR' }).default(DEFAULT_CURRENCY),
  /** Project cycle-to-date usage to the period end, with this cushion. */
  projection: z
    .object({ enabled: z.boolean(), cushion: z.number().min(0).max(1) })
    .default({ enabled: DEFAULT_PROJECTION.enabled, cushion: DEFAULT_PROJECTION.cushion }),
  /** Local hour (billing time zone) from which each scheduled day's run may start; absent: the cycle end hour. */
  scheduleStartHour: z.number().int().min(0).max(23).optional(),
  /** `mobility`: the problem pools and moves SIMs by optimization group and rate plan type (issue 21). */
  fleet: z.enum(FLEET_KINDS).default('m2m'),
  /** Where a carrier that serves usage as report files (Telegence) drops them, and how simopt watches them. */
  usageFeed: z
    .object({
      /** `sftp://host[:port]/folder`, without user or password (those are the sealed credentials). */
      sftpUrl: z.string(),
      /** SHA-256 of the SFTP server's host key, base64 as `ssh-keygen -lf` prints it (without `SHA256:`); absent: not checked. */
      hostKeySha256: z.string().optional(),
      /** Files of the last this many days not downloaded yet are fetched again (the old `CheckFilesMissedThresholdDays`). */
      refetchDays: z.number().int().min(1).max(60).default(3),
      /** A feed whose newest file is older than this many hours is reported stale by e-mail (the old system: 6 h for data files). */
      staleHours: z.number().min(1).max(24 * 60).default(6),
    })
    .optional(),
})

export type ProviderSettings = z.infer<typeof providerSettingsSchema>

/** @throws SimoptError `INPUT_INVALID` naming the provider and the setting when the stored settings are not valid. */
export function parseProviderSettings(json: string, provider: string): ProviderSettings {
  return parseSettingsJson(providerSettingsSchema, json, `provider ${provider}`)
}
