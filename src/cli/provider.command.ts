/**
 * `simopt provider add|set|list`: a tenant's carrier accounts (Jasper, ThingSpace). Secrets are sealed before they are stored
 * (`SIMOPT_SECRET_KEY`), bound to the URL they were given for, and never printed; `list` says only whether
 * credentials are set, and shows URLs redacted.
 */
import { readFile } from 'node:fs/promises'
import { Command } from 'commander'
import { z } from 'zod'
import { formatMoney, isTimeZone, quoteInput, redactUrl, SimoptError } from '../domain/index.js'
import { addProvider, listProviders, updateProvider, type AccountFieldNames, type AccountFields, type ProviderView } from '../services/accounts.service.js'
import { PROVIDER_INTEGRATIONS } from '../store/index.js'
import { currencyOption, moneyOption, nameArgument, parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

interface ProviderOptions {
  tenant: string
  name?: string
  integration?: string
  url?: string
  user?: string
  apiKey?: string
  password?: string
  clientId?: string
  clientSecret?: string
  account?: string
  timeZone?: string
  cycleEndDay?: string
  cycleEndHour?: string
  prorate?: boolean
  writeEnabled?: boolean
  callsPerSecond?: string
  callsInFlight?: string
  scheduleStartHour?: string
  minSavingPerChange?: string
  currency?: string
  sftpUrl?: string
  sftpKeyFile?: string
  sftpHostKey?: string
  feedRefetchDays?: string
  feedStaleHours?: string
}

const urlOption = z.url({ protocol: /^https?$/, error: (issue) => `must be an http(s) URL, got ${quoteInput(redactUrl(String(issue.input)))}` })

function withAccountOptions(command: Command): Command {
  return command
    .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
    .option('--name <name>', 'the provider (carrier account) name', nameArgument('--name'))
    .option('--url <url>', "the carrier API's address, e.g. https://restapi1.jasper.com")
    .option('--user <name>', 'API user name (ThingSpace: the user of the M2M session login; Telegence: the SFTP user)')
    .option('--api-key <key>', 'API key (stored encrypted, never shown)')
    .option('--password <password>', 'ThingSpace: the session login password; Telegence: the SFTP password; in place of --api-key (stored encrypted, never shown)')
    .option('--client-id <id>', "ThingSpace: the app's OAuth2 client id (app key); Telegence: the app-id")
    .option('--client-secret <secret>', "ThingSpace: the app's OAuth2 client secret; Telegence: the app-secret (stored encrypted, never shown)")
    .option('--account <name>', 'ThingSpace: the billing account name, e.g. 0000123456-00001; Telegence: the foundation account number (FAN)')
    .option('--sftp-url <url>', 'Telegence: the SFTP folder of its usage report files, sftp://host[:port]/folder')
    .option('--sftp-key-file <file>', 'Telegence: the SFTP login\'s private key file, in place of --password (its text is stored encrypted, never shown)')
    .option('--sftp-host-key <sha256>', 'Telegence: the SFTP server\'s host key fingerprint as ssh-keygen -lf prints it (SHA256:…); checked at every login')
    .option('--feed-refetch-days <days>', 'Telegence: report files of the last this many days not downloaded yet are fetched (default 3)')
    .option('--feed-stale-hours <hours>', 'Telegence: a usage feed without a new file for this many hours is reported by e-mail (default 6)')
    .option('--time-zone <zone>', 'billing time zone (IANA, e.g. America/Chicago)')
    .option('--cycle-end-day <day>', 'day of the month the billing cycle ends on, at the cycle end hour (1 with hour 0: calendar months; 0 means 1)')
    .option('--cycle-end-hour <hour>', 'hour the billing cycle ends, local time')
    .option('--prorate', 'the carrier prorates SIMs active part of the period')
    .option('--no-prorate', 'the carrier does not prorate')
    .option('--write-enabled', 'simopt may push rate plan changes to the carrier')
    .option('--no-write-enabled', 'simopt never pushes changes')
    .option('--calls-per-second <n>', 'calls per second the carrier account allows (Jasper: 5)')
    .option('--calls-in-flight <n>', 'calls the carrier account may have running at once (Jasper: 1)')
    .option('--schedule-start-hour <hour>', 'local hour from which each scheduled day’s session may start (0-23; "" for the cycle end hour)')
    .option('--min-saving-per-change <amount>', 'a SIM changes plan only if the change alone saves at least this much (0: any saving)')
    .option('--currency <code>', "the account's currency, ISO 4217 (USD, EUR, …): what amounts are shown in")
}

/** The options as the service names them in messages. */
const OPTION_NAMES: AccountFieldNames = {
  sftpUrl: 'option --sftp-url',
  sftpKey: 'option --sftp-key-file',
  url: 'option --url',
  user: 'option --user',
  apiKey: 'option --api-key',
  clientId: 'option --client-id',
  clientSecret: 'option --client-secret',
  accountName: 'option --account',
  timeZone: 'option --time-zone',
}

export function providerCommand(): Command {
  const provider = new Command('provider').description("a tenant's carrier accounts (service providers)")
  provider.addCommand(
    withAccountOptions(new Command('add'))
      .description('add a carrier account (the tenant is created when missing)')
      .option('--integration <kind>', `${PROVIDER_INTEGRATIONS.join(' or ')}`, 'jasper')
      .action(async (options: ProviderOptions) => {
        const name = required('--name', options.name)
        const integration = parseOption('--integration', options.integration, z.enum(PROVIDER_INTEGRATIONS))
        const fields = await withSftpKey(accountFields(options), options)
        await withService(async (service) => {
          await addProvider(service, { tenant: options.tenant, name, integration, createTenant: true, ...fields }, undefined, OPTION_NAMES)
          process.stdout.write(`added provider ${name} (${integration}) for tenant ${options.tenant}\n`)
        })
      }),
  )
  provider.addCommand(
    withAccountOptions(new Command('set'))
      .description('change a carrier account: only the options given change')
      .action(async (options: ProviderOptions) => {
        const name = required('--name', options.name)
        const fields = await withSftpKey(accountFields(options), options)
        await withService(async (service) => {
          await updateProvider(service, { tenant: options.tenant, provider: name, ...fields }, undefined, OPTION_NAMES)
          process.stdout.write(`updated provider ${name} of tenant ${options.tenant}\n`)
        })
      }),
  )
  provider.addCommand(
    new Command('list')
      .description("list a tenant's carrier accounts (credentials are never shown)")
      .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
      .action(async (options: { tenant: string }) => {
        await withService(async (service) => {
          const providers = await listProviders(service, { tenant: options.tenant })
          if (providers.length === 0) return void process.stdout.write(`tenant ${options.tenant} has no providers\n`)
          process.stdout.write(`${providers.map(describe).join('\n')}\n`)
        })
      }),
  )
  return provider
}

/** The account options given, each parsed; the service checks them together. */
function accountFields(options: ProviderOptions): AccountFields {
  return {
    url: options.url === undefined ? undefined : parseOption('--url', options.url, urlOption),
    user: options.user,
    apiKey: secretOption(options),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    accountName: options.account,
    sftpUrl: options.sftpUrl,
    sftpHostKey: options.sftpHostKey === undefined ? undefined : parseOption('--sftp-host-key', options.sftpHostKey, hostKeyOption),
    feedRefetchDays: options.feedRefetchDays === undefined ? undefined : parseOption('--feed-refetch-days', options.feedRefetchDays, wholeNumberOption(1, 60, 'days')),
    feedStaleHours: options.feedStaleHours === undefined ? undefined : parseOption('--feed-stale-hours', options.feedStaleHours, wholeNumberOption(1, 1440, 'hours')),
    ...cycleOptions(options),
    ...settingsOptions(options),
  }
}

const hostKeyOption = z.string().regex(/^(SHA256:)?[A-Za-z0-9+/]{43}=?$/, { error: (issue) => `must be a SHA-256 host key fingerprint as ssh-keygen -lf prints it (SHA256:…), got ${quoteInput(String(issue.input))}` })

/** The private key's text from `--sftp-key-file`, read here so that the service stores it sealed. */
async function withSftpKey(fields: AccountFields, options: ProviderOptions): Promise<AccountFields> {
  if (options.sftpKeyFile === undefined) return fields
  if (options.password !== undefined || options.apiKey !== undefined) throw new SimoptError('INPUT_INVALID', 'give --sftp-key-file or --password, not both', { field: 'option --sftp-key-file' })
  let text: string
  try {
    text = await readFile(options.sftpKeyFile, 'utf8')
  } catch (error) {
    throw new SimoptError('INPUT_INVALID', `option --sftp-key-file: cannot read ${quoteInput(options.sftpKeyFile)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { field: 'option --sftp-key-file' })
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw new SimoptError('INPUT_INVALID', `option --sftp-key-file: ${quoteInput(options.sftpKeyFile)} is not a private key file (no BEGIN … PRIVATE KEY line)`, { field: 'option --sftp-key-file' })
  return { ...fields, sftpKey: text }
}

/** `--password` is ThingSpace's word for what Jasper calls the API key: one or the other. */
function secretOption(options: ProviderOptions): string | undefined {
  if (options.password !== undefined && options.apiKey !== undefined) throw new SimoptError('INPUT_INVALID', 'give --api-key or --password, not both', { field: 'option --password' })
  return options.password ?? options.apiKey
}

function required(option: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new SimoptError('INPUT_INVALID', `option ${option} is required`)
  return value
}

/** The billing cycle options `provider` and `simulate` share, each checked when given. */
export function cycleOptions(options: Pick<ProviderOptions, 'timeZone' | 'cycleEndDay' | 'cycleEndHour'>): { timeZone?: string; cycleEndDay?: number; cycleEndHour?: number } {
  if (options.timeZone !== undefined && !isTimeZone(options.timeZone)) {
    throw new SimoptError('INPUT_INVALID', `option --time-zone: unknown time zone ${quoteInput(options.timeZone)}`)
  }
  return {
    timeZone: options.timeZone,
    cycleEndDay: options.cycleEndDay === undefined ? undefined : parseOption('--cycle-end-day', options.cycleEndDay, wholeNumberOption(0, 31)),
    cycleEndHour: options.cycleEndHour === undefined ? undefined : parseOption('--cycle-end-hour', options.cycleEndHour, wholeNumberOption(0, 23)),
  }
}

function settingsOptions(options: ProviderOptions): AccountFields {
  return {
    ...(options.scheduleStartHour === undefined
      ? {}
      : { scheduleStartHour: options.scheduleStartHour === '' ? null : parseOption('--schedule-start-hour', options.scheduleStartHour, wholeNumberOption(0, 23)) }),
    ...(options.callsInFlight === undefined ? {} : { callsInFlight: parseOption('--calls-in-flight', options.callsInFlight, wholeNumberOption(1, 64)) }),
    ...(options.callsPerSecond === undefined ? {} : { callsPerSecond: parseOption('--calls-per-second', options.callsPerSecond, wholeNumberOption(1, 1000)) }),
    ...(options.prorate === undefined ? {} : { prorate: options.prorate }),
    ...(options.writeEnabled === undefined ? {} : { writeEnabled: options.writeEnabled }),
    ...(options.minSavingPerChange === undefined ? {} : { minSavingPerChange: parseOption('--min-saving-per-change', options.minSavingPerChange, moneyOption) }),
    ...(options.currency === undefined ? {} : { currency: parseOption('--currency', options.currency, currencyOption) }),
  }
}

function describe(provider: ProviderView): string {
  const { cycle, settings } = provider
  return [
    provider.name,
    provider.integration,
    provider.url ?? '-',
    `${cycle.timeZone}, cycle ends day ${Math.max(1, cycle.cycleEndDay)} ${String(cycle.cycleEndHour).padStart(2, '0')}:00`,
    settings.prorate ? 'prorates' : 'no proration',
    settings.writeEnabled ? 'writes enabled' : 'read only',
    `scheduled from ${String(settings.scheduleStartHour ?? cycle.cycleEndHour).padStart(2, '0')}:00`,
    settings.currency,
    ...(settings.minSavingPerChange > 0 ? [`changes saving at least ${formatMoney(settings.minSavingPerChange, settings.currency)}`] : []),
    ...(settings.usageFeed === undefined ? [] : [`usage files at ${settings.usageFeed.sftpUrl} (last ${settings.usageFeed.refetchDays} days fetched, stale after ${settings.usageFeed.staleHours} h)`]),
    provider.hasCredentials ? 'credentials set' : 'no credentials',
  ].join('  ')
}
