/**
 * The one configuration loader (DESIGN.md §7): every setting is read here from the environment and
 * validated, so a bad value stops the program at start with the variable's name, not later mid-run.
 */
import { Cron } from 'croner'
import { z } from 'zod'
import { mailboxAddress, quoteInput, redactUrl, SimoptError } from './domain/index.js'
import { inProjectWords } from './validation-words.js'

const DATABASE_URL = /^(sqlite:.+|postgres(ql)?:\/\/.+)$/

const settings = z
  .object({
    SIMOPT_DATABASE_URL: z
      .string()
      .regex(DATABASE_URL, { error: (issue) => `must be sqlite:PATH or postgres://…, got ${quoteInput(redactUrl(String(issue.input)))}` })
      .default('sqlite:./data/simopt.db'),
    SIMOPT_QUEUE: z.enum(['local', 'bullmq'], { error: (issue) => `must be local or bullmq, got ${quoteInput(issue.input)}` }).default('local'),
    SIMOPT_REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/.+/, { error: (issue) => `must be redis://host:port, got ${quoteInput(redactUrl(String(issue.input)))}` })
      .optional(),
    /** How long a worker holds a job before others may take it over (a crashed worker's jobs come back after this). */
    SIMOPT_JOB_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
    /** Redis key prefix of the BullMQ queue: deployments (or tests) sharing one Redis keep apart by it. */
    SIMOPT_QUEUE_PREFIX: z.string().regex(/^[\w-]+$/, { error: 'must be letters, digits, - or _' }).default('simopt'),
    /** Encrypts carrier credentials at rest; unset: a key generated into `SIMOPT_SECRET_KEY_FILE` on first use. */
    SIMOPT_SECRET_KEY: z.string().min(16, { error: 'must be at least 16 characters (32 random bytes, base64, are best)' }).optional(),
    SIMOPT_SECRET_KEY_FILE: z.string().default('./data/secret.key'),
    /** Carrier calls of a sync job before it hands over to the next (the old system's `MaxPagesToProcess`). */
    SIMOPT_MAX_PAGES_PER_JOB: z.coerce.number().int().min(1).max(100_000).default(20),
    /** E-mail goes out through this SMTP server (SES's SMTP interface too); unset: `.eml` files in `SIMOPT_OUTBOX_DIR`. */
    SIMOPT_SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/.+/, { error: (issue) => `must be smtp://… or smtps://…, got ${quoteInput(redactUrl(String(issue.input)))}` })
      .optional(),
    SIMOPT_OUTBOX_DIR: z.string().default('./data/outbox'),
    /** The From of simopt's e-mails, `simopt <ops@example.com>` or an address; a tenant's `emailFrom` replaces it for its own. */
    SIMOPT_MAIL_FROM: z
      .string()
      .refine((text) => mailboxAddress(text) !== undefined, { error: (issue) => `must be an e-mail address or Name <address>, got ${quoteInput(String(issue.input))}` })
      .default('simopt@localhost'),
    /** Where people reach the dashboard (`https://simopt.example.com`): e-mails link to a session there; unset: no link. */
    SIMOPT_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** Where alerts about simopt itself go (the cache unreachable); the old system's `ErrorNotificationEmailReceiver`. */
    SIMOPT_ERROR_EMAIL: z.string().optional(),
    /** Retries of an e-mail or webhook that fails before it is marked failed (the old system's `CleanUpSendEmailRetryCount`). */
    SIMOPT_DELIVERY_RETRIES: z.coerce.number().int().min(0).max(50).default(5),
    /** First wait before a delivery is tried again; doubled at each retry. */
    SIMOPT_DELIVERY_RETRY_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
    /** A results workbook bigger than this is attached without its Assignments sheet (mail servers refuse big messages). */
    SIMOPT_MAX_ATTACHMENT_MB: z.coerce.number().min(0.1).max(1000).default(20),
    /** Port of `simopt serve` (the API and the dashboard), on 127.0.0.1 unless `SIMOPT_HOST` says otherwise. */
    SIMOPT_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    SIMOPT_HOST: z.string().min(1).default('127.0.0.1'),
    /** Bearer token a scraper must send for `/metrics` (API and workers); unset: `/metrics` answers loopback callers only. */
    SIMOPT_METRICS_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
    /** Port of `simopt worker`'s own `/healthz`, `/readyz` and `/metrics` (on `SIMOPT_HOST`); unset: none. */
    SIMOPT_WORKER_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    SIMOPT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: (issue) => `must be fatal, error, warn, info, debug, trace or silent, got ${quoteInput(issue.input)}` }).default('info'),
    /** Largest request body the API takes (the what-if upload is the big one). */
    SIMOPT_BODY_LIMIT_MB: z.coerce.number().min(0.01).max(1024).default(50),
    /** How long after pushing rate plan changes they are checked at the carrier (the carrier applies them with a delay). */
    SIMOPT_VERIFY_DELAY_MS: z.coerce.number().int().min(0).max(86_400_000).default(900_000),
    /** Webhook for tenants without their own (the old system's `ProxyUrl`), and its signing secret. */
    SIMOPT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    SIMOPT_WEBHOOK_SECRET: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
    /** Results, jobs, transitions, outbox and audit rows of sessions finished longer ago than this are removed (`simopt cleanup`, the daily job). */
    SIMOPT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
    /** Scheduled sessions run on each of the last this many days of a billing period. */
    SIMOPT_SCHEDULE_DAYS: z.coerce.number().int().min(1).max(31).default(8),
    /** When `serve` and `worker` tick the schedule (cron, UTC; 6 fields for seconds); `off`: never (use `simopt schedule`). */
    SIMOPT_SCHEDULE_CRON: z
      .string()
      .refine((text) => text === 'off' || isCronPattern(text), { error: (issue) => `must be a cron pattern such as "*/5 * * * *" or off, got ${quoteInput(issue.input)}` })
      .default('*/5 * * * *'),
    /** Carrier API addresses on loopback, private or link-local networks are refused unless this is `true` (simulators, tests, the demo). */
    SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: z.enum(['true', 'false'], { error: (issue) => `must be true or false, got ${quoteInput(issue.input)}` }).default('false'),
  })
  .superRefine((value, context) => {
    if (value.SIMOPT_QUEUE === 'bullmq' && value.SIMOPT_REDIS_URL === undefined) {
      context.addIssue({ code: 'custom', path: ['SIMOPT_REDIS_URL'], message: 'must be set when SIMOPT_QUEUE is bullmq' })
    }
    // BullMQ's workers may run anywhere: they must all see one database, which an SQLite file is not.
    if (value.SIMOPT_QUEUE === 'bullmq' && value.SIMOPT_DATABASE_URL.startsWith('sqlite:')) {
      context.addIssue({ code: 'custom', path: ['SIMOPT_DATABASE_URL'], message: 'must be postgres://… when SIMOPT_QUEUE is bullmq (workers share the database)' })
    }
    if (value.SIMOPT_ERROR_EMAIL !== undefined) {
      const bad = emailList(value.SIMOPT_ERROR_EMAIL).find((address) => !z.email().safeParse(address).success)
      if (bad !== undefined) context.addIssue({ code: 'custom', path: ['SIMOPT_ERROR_EMAIL'], message: `${quoteInput(bad)} is not an e-mail address` })
    }
  })

export interface Config {
  readonly databaseUrl: string
  readonly queue: 'local' | 'bullmq'
  readonly redisUrl: string | undefined
  readonly jobLeaseMs: number
  readonly queuePrefix: string
  readonly secretKey: string | undefined
  readonly secretKeyFile: string
  readonly maxPagesPerJob: number
  readonly smtpUrl: string | undefined
  readonly outboxDir: string
  /** The From header; the envelope sender is its address. */
  readonly mailFrom: string
  /** The dashboard's address as people reach it, without a trailing slash; undefined: e-mails carry no link. */
  readonly publicUrl: string | undefined
  readonly errorEmail: readonly string[]
  readonly deliveryRetries: number
  readonly deliveryRetryMs: number
  readonly maxAttachmentBytes: number
  readonly webhookUrl: string | undefined
  readonly webhookSecret: string | undefined
  readonly verifyDelayMs: number
  readonly port: number
  readonly host: string
  /** Where `simopt worker` serves its health and metrics; undefined: it does not. */
  readonly workerPort: number | undefined
  /** What a scraper of `/metrics` must send as its bearer token; undefined: only loopback callers are answered. */
  readonly metricsToken: string | undefined
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  readonly bodyLimitBytes: number
  readonly retentionDays: number
  readonly scheduleDays: number
  /** The scheduler's cron pattern; undefined: no built-in scheduler. */
  readonly scheduleCron: string | undefined
  /** Whether a carrier's API may be on a loopback, private or link-local address. */
  readonly allowPrivateCarrierUrls: boolean
}

/** A list of e-mail addresses as settings write them: separated by commas, semicolons or spaces. */
export function emailList(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((address) => address.trim())
    .filter((address) => address !== '')
}

/** The old system's names, still read where they mean the same thing, for settings not given the new way. */
const OLD_NAMES: Readonly<Record<string, string>> = {
  SIMOPT_MAX_PAGES_PER_JOB: 'MaxPagesToProcess',
  SIMOPT_ERROR_EMAIL: 'ErrorNotificationEmailReceiver',
  SIMOPT_DELIVERY_RETRIES: 'CleanUpSendEmailRetryCount',
  SIMOPT_WEBHOOK_URL: 'ProxyUrl',
}

/** @throws SimoptError `INPUT_INVALID` naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = presentSettings(env)
  const parsed = settings.safeParse(present, {
    error: (issue) => {
      const name = String(issue.path?.[0])
      return inProjectWords(issue, SECRET_SETTINGS.has(name) ? '***' : present[name])
    },
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new SimoptError('INPUT_INVALID', `setting ${String(issue.path[0])}: ${issue.message}`)
  }
  const value = parsed.data
  return {
    databaseUrl: value.SIMOPT_DATABASE_URL,
    queue: value.SIMOPT_QUEUE,
    redisUrl: value.SIMOPT_REDIS_URL,
    jobLeaseMs: value.SIMOPT_JOB_LEASE_MS,
    queuePrefix: value.SIMOPT_QUEUE_PREFIX,
    secretKey: value.SIMOPT_SECRET_KEY,
    secretKeyFile: value.SIMOPT_SECRET_KEY_FILE,
    maxPagesPerJob: value.SIMOPT_MAX_PAGES_PER_JOB,
    smtpUrl: value.SIMOPT_SMTP_URL,
    outboxDir: value.SIMOPT_OUTBOX_DIR,
    mailFrom: value.SIMOPT_MAIL_FROM,
    publicUrl: value.SIMOPT_PUBLIC_URL?.replace(/\/+$/, ''),
    errorEmail: value.SIMOPT_ERROR_EMAIL === undefined ? [] : emailList(value.SIMOPT_ERROR_EMAIL),
    deliveryRetries: value.SIMOPT_DELIVERY_RETRIES,
    deliveryRetryMs: value.SIMOPT_DELIVERY_RETRY_MS,
    maxAttachmentBytes: Math.round(value.SIMOPT_MAX_ATTACHMENT_MB * 1024 * 1024),
    webhookUrl: value.SIMOPT_WEBHOOK_URL,
    webhookSecret: value.SIMOPT_WEBHOOK_SECRET,
    verifyDelayMs: value.SIMOPT_VERIFY_DELAY_MS,
    port: value.SIMOPT_PORT,
    host: value.SIMOPT_HOST,
    workerPort: value.SIMOPT_WORKER_PORT,
    metricsToken: value.SIMOPT_METRICS_TOKEN,
    logLevel: value.SIMOPT_LOG_LEVEL,
    bodyLimitBytes: Math.round(value.SIMOPT_BODY_LIMIT_MB * 1024 * 1024),
    retentionDays: value.SIMOPT_RETENTION_DAYS,
    scheduleDays: value.SIMOPT_SCHEDULE_DAYS,
    scheduleCron: value.SIMOPT_SCHEDULE_CRON === 'off' ? undefined : value.SIMOPT_SCHEDULE_CRON,
    allowPrivateCarrierUrls: value.SIMOPT_ALLOW_PRIVATE_CARRIER_URLS === 'true',
  }
}

/** The variables `loadConfig` reads: `SIMOPT_*` ones that are not empty, and old names for settings not given the new way. */
function presentSettings(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  // An empty variable means unset, as in most deployment tools.
  const present: Record<string, string | undefined> = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('SIMOPT_') && value !== ''))
  for (const [name, old] of Object.entries(OLD_NAMES)) if (present[name] === undefined && env[old]) present[name] = env[old]
  return present
}

/** Settings whose value is never shown (`simopt config` prints `***`). */
const SECRET_SETTINGS: ReadonlySet<string> = new Set(['SIMOPT_SECRET_KEY', 'SIMOPT_WEBHOOK_SECRET', 'SIMOPT_METRICS_TOKEN'])

export type SettingSource = 'environment' | 'old name' | 'default'

/** One setting as `loadConfig` sees it, for `simopt config`. */
export interface EffectiveSetting {
  readonly name: string
  /** The validated value as text (numbers after coercion); undefined: unset. Secrets are `***`, URLs without their password. */
  readonly value: string | undefined
  readonly source: SettingSource
  /** The old system's name this setting also reads, if any. */
  readonly oldName: string | undefined
}

/**
 * Every setting `loadConfig` reads, in its order, with the value it takes from `env` and where that came from;
 * `SIMOPT_*` variables that are no setting (a typo) come back in `unknown`.
 * @throws SimoptError `INPUT_INVALID` as `loadConfig` does.
 */
export function effectiveSettings(env: NodeJS.ProcessEnv = process.env): { settings: EffectiveSetting[]; unknown: string[] } {
  loadConfig(env)
  const present = presentSettings(env)
  const value = settings.parse(present) as Record<string, unknown>
  const names = Object.keys(settings.shape)
  const shown = names.map((name): EffectiveSetting => {
    const oldName = OLD_NAMES[name]
    const fromEnv = env[name] !== undefined && env[name] !== ''
    const source: SettingSource = fromEnv ? 'environment' : present[name] !== undefined ? 'old name' : 'default'
    const raw = value[name]
    const text = raw === undefined ? undefined : String(raw)
    const masked = text === undefined ? undefined : SECRET_SETTINGS.has(name) ? '***' : name.endsWith('_URL') ? redactUrl(text) : text
    return { name, value: masked, source, oldName }
  })
  const unknown = Object.keys(present).filter((name) => !names.includes(name)).sort()
  return { settings: shown, unknown }
}

/** A setting's URL fit for a message: the one redaction, kept importable from here for the settings' users. */
export { redactUrl }

/** Cron patterns of 5 fields, or 6 with seconds first (croner would take a year as a 7th too). */
export const CRON_MODE = '5-or-6-parts'

function isCronPattern(text: string): boolean {
  try {
    new Cron(text, { paused: true, mode: CRON_MODE }).stop()
    return true
  } catch {
    return false
  }
}
