/**
 * `simopt provider add|set|list`: a tenant's carrier accounts. API keys are sealed before they are stored
 * (`SIMOPT_SECRET_KEY`), bound to the URL they were given for, and never printed; `list` says only whether
 * credentials are set, and shows URLs redacted.
 */
import { Command } from 'commander'
import { z } from 'zod'
import { carrierUrlProblem } from '../carriers/carrier-address.js'
import type { Config } from '../config.js'
import { isTimeZone, quoteInput, redactUrl, SimoptError } from '../domain/index.js'
import { ensureProvider, ensureTenant, findProvider, type ProviderRow } from '../store/accounts.js'
import { parseProviderSettings, type ProviderSettings } from '../store/provider-settings.js'
import { credentialsAfter, sealCredentials } from '../store/provider-credentials.js'
import { secretBox } from '../store/secret-box.js'
import { nameArgument, parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

const INTEGRATIONS = ['jasper', 'files'] as const

interface ProviderOptions {
  tenant: string
  name?: string
  integration?: string
  url?: string
  user?: string
  apiKey?: string
  timeZone?: string
  cycleEndDay?: string
  cycleEndHour?: string
  prorate?: boolean
  writeEnabled?: boolean
  callsPerSecond?: string
  callsInFlight?: string
  scheduleStartHour?: string
}

const urlOption = z.url({ protocol: /^https?$/, error: (issue) => `must be an http(s) URL, got ${quoteInput(redactUrl(String(issue.input)))}` })

function withAccountOptions(command: Command): Command {
  return command
    .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
    .option('--name <name>', 'the provider (carrier account) name', nameArgument('--name'))
    .option('--url <url>', "the carrier API's address, e.g. https://restapi1.jasper.com")
    .option('--user <name>', 'API user name')
    .option('--api-key <key>', 'API key (stored encrypted, never shown)')
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
}

export function providerCommand(): Command {
  const provider = new Command('provider').description("a tenant's carrier accounts (service providers)")
  provider.addCommand(
    withAccountOptions(new Command('add'))
      .description('add a carrier account')
      .option('--integration <kind>', `${INTEGRATIONS.join(' or ')}`, 'jasper')
      .action(async (options: ProviderOptions) => {
        const name = required('--name', options.name)
        const integration = parseOption('--integration', options.integration, z.enum(INTEGRATIONS))
        const baseUrl = integration === 'jasper' ? parseOption('--url', required('--url', options.url), urlOption) : undefined
        const credentials = integration === 'jasper' ? { user: required('--user', options.user), apiKey: required('--api-key', options.apiKey) } : undefined
        const cycle = cycleOptions(options)
        await withService(async ({ store, config }) => {
          if (baseUrl !== undefined) checkUrl(baseUrl, config)
          const sealed = credentials === undefined || baseUrl === undefined ? undefined : sealCredentials(secretBox(config), { ...credentials, url: baseUrl })
          await store.db.transaction().execute(async (trx) => {
            const tenantId = await ensureTenant(trx, options.tenant)
            const exists = await trx.selectFrom('service_providers').select('id').where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst()
            if (exists !== undefined) throw new SimoptError('INPUT_INVALID', `tenant ${options.tenant} already has a provider ${name}; change it with simopt provider set`)
            await ensureProvider(trx, tenantId, name, {
              integration,
              timeZone: cycle.timeZone ?? 'UTC',
              cycleEndDay: cycle.cycleEndDay ?? 0,
              cycleEndHour: cycle.cycleEndHour ?? 0,
              settings: settingsOptions(options),
              baseUrl,
              sealedCredentials: sealed,
            })
          })
          process.stdout.write(`added provider ${name} (${integration}) for tenant ${options.tenant}\n`)
        })
      }),
  )
  provider.addCommand(
    withAccountOptions(new Command('set'))
      .description('change a carrier account: only the options given change')
      .action(async (options: ProviderOptions) => {
        const name = required('--name', options.name)
        const baseUrl = options.url === undefined ? undefined : parseOption('--url', options.url, urlOption)
        const cycle = cycleOptions(options)
        await withService(async ({ store, config }) => {
          if (baseUrl !== undefined) checkUrl(baseUrl, config)
          const row = await findProvider(store.db, options.tenant, name)
          const credentials = credentialsAfter(secretBox(config), row, { url: baseUrl, user: options.user, apiKey: options.apiKey }, { url: 'option --url', user: '--user', apiKey: '--api-key' })
          const settings = { ...parseProviderSettings(row.settings, row.name), ...settingsOptions(options) }
          await store.db
            .updateTable('service_providers')
            .set({
              base_url: baseUrl ?? row.base_url,
              credentials,
              time_zone: cycle.timeZone ?? row.time_zone,
              cycle_end_day: cycle.cycleEndDay ?? row.cycle_end_day,
              cycle_end_hour: cycle.cycleEndHour ?? row.cycle_end_hour,
              settings: JSON.stringify(settings),
            })
            .where('id', '=', row.id)
            .execute()
          process.stdout.write(`updated provider ${name} of tenant ${options.tenant}\n`)
        })
      }),
  )
  provider.addCommand(
    new Command('list')
      .description("list a tenant's carrier accounts (credentials are never shown)")
      .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
      .action(async (options: { tenant: string }) => {
        await withService(async ({ store }) => {
          const rows = await store.db
            .selectFrom('service_providers')
            .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
            .selectAll('service_providers')
            .where('tenants.name', '=', options.tenant)
            .orderBy('service_providers.name')
            .execute()
          if (rows.length === 0) return void process.stdout.write(`tenant ${options.tenant} has no providers\n`)
          process.stdout.write(`${rows.map(describe).join('\n')}\n`)
        })
      }),
  )
  return provider
}

/** @throws SimoptError `INPUT_INVALID` naming `--url` when it cannot be a carrier API's address. */
function checkUrl(url: string, config: Config): void {
  const problem = carrierUrlProblem(url, config.allowPrivateCarrierUrls)
  if (problem !== undefined) throw new SimoptError('INPUT_INVALID', `option --url: ${problem}`)
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

function settingsOptions(options: ProviderOptions): Partial<ProviderSettings> {
  return {
    ...(options.scheduleStartHour === undefined
      ? {}
      : { scheduleStartHour: options.scheduleStartHour === '' ? undefined : parseOption('--schedule-start-hour', options.scheduleStartHour, wholeNumberOption(0, 23)) }),
    ...(options.callsInFlight === undefined ? {} : { callsInFlight: parseOption('--calls-in-flight', options.callsInFlight, wholeNumberOption(1, 64)) }),
    ...(options.callsPerSecond === undefined ? {} : { callsPerSecond: parseOption('--calls-per-second', options.callsPerSecond, wholeNumberOption(1, 1000)) }),
    ...(options.prorate === undefined ? {} : { prorate: options.prorate }),
    ...(options.writeEnabled === undefined ? {} : { writeEnabled: options.writeEnabled }),
  }
}

function describe(row: ProviderRow): string {
  const settings = parseProviderSettings(row.settings, row.name)
  const cycleEnd = `day ${Math.max(1, row.cycle_end_day)}`
  return [
    row.name,
    row.integration,
    row.base_url === null ? '-' : redactUrl(row.base_url),
    `${row.time_zone}, cycle ends ${cycleEnd} ${String(row.cycle_end_hour).padStart(2, '0')}:00`,
    settings.prorate ? 'prorates' : 'no proration',
    settings.writeEnabled ? 'writes enabled' : 'read only',
    `scheduled from ${String(settings.scheduleStartHour ?? row.cycle_end_hour).padStart(2, '0')}:00`,
    row.credentials === null ? 'no credentials' : 'credentials set',
  ].join('  ')
}
