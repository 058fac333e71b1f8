/**
 * A tenant's carrier accounts: listed by any of its keys, added and changed by its administrators.
 * Credentials are sealed (`SIMOPT_SECRET_KEY`) with the URL they were given for, before they are stored, and
 * never returned: answers say only `hasCredentials`, and show URLs redacted.
 */
import { SimoptError } from '../../domain/index.js'
import type { FastifyInstance } from 'fastify'
import { carrierUrlProblem } from '../../carriers/carrier-address.js'
import type { Config } from '../../config.js'
import { isTimeZone, quoteInput, redactUrl } from '../../domain/index.js'
import { ensureProvider, type ProviderRow } from '../../store/accounts.js'
import { parseProviderSettings } from '../../store/provider-settings.js'
import { credentialsAfter, sealCredentials } from '../../store/provider-credentials.js'
import { secretBox } from '../../store/secret-box.js'
import { callerOf } from '../auth.js'
import type { ApiDeps } from '../deps.js'
import { notFound } from '../http-error.js'
import { epochMs, nameSchema, nullableString, responses } from '../schemas.js'
import { visibleTenant } from '../tenant-scope.js'

const INTEGRATIONS = ['jasper', 'files'] as const

const providerSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    integration: { type: 'string' },
    url: nullableString,
    timeZone: { type: 'string' },
    cycleEndDay: { type: 'integer' },
    cycleEndHour: { type: 'integer' },
    prorate: { type: 'boolean' },
    writeEnabled: { type: 'boolean' },
    callsPerSecond: { type: 'integer' },
    callsInFlight: { type: 'integer' },
    scheduleStartHour: { type: ['integer', 'null'], description: 'local hour scheduled sessions start from; null: the cycle end hour' },
    hasCredentials: { type: 'boolean', description: 'whether API credentials are stored (they are never returned)' },
    createdAt: epochMs,
  },
} as const

/** The fields a provider is made or changed with; all optional on change. */
const accountFields = {
  url: { type: 'string', format: 'uri', pattern: '^https?://', description: "the carrier API's address" },
  user: { type: 'string', minLength: 1, maxLength: 200 },
  apiKey: { type: 'string', minLength: 1, maxLength: 1000, description: 'stored encrypted, never returned' },
  timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'billing time zone (IANA)' },
  cycleEndDay: { type: 'integer', minimum: 0, maximum: 31, description: 'the billing cycle ends on this day at cycleEndHour (1 with hour 0: calendar months; 0 means 1)' },
  cycleEndHour: { type: 'integer', minimum: 0, maximum: 23 },
  prorate: { type: 'boolean' },
  writeEnabled: { type: 'boolean', description: 'simopt may push rate plan changes' },
  callsPerSecond: { type: 'integer', minimum: 1, maximum: 1000 },
  callsInFlight: { type: 'integer', minimum: 1, maximum: 64 },
  scheduleStartHour: { type: ['integer', 'null'], minimum: 0, maximum: 23, description: 'local hour from which each scheduled day’s session may start; null: the cycle end hour' },
} as const

interface AccountFields {
  url?: string
  user?: string
  apiKey?: string
  timeZone?: string
  cycleEndDay?: number
  cycleEndHour?: number
  prorate?: boolean
  writeEnabled?: boolean
  callsPerSecond?: number
  callsInFlight?: number
  scheduleStartHour?: number | null
}

interface TenantParams {
  tenant: string
}

export function providerRoutes(app: FastifyInstance, { store, config }: ApiDeps): void {
  const tenantParams = { type: 'object', required: ['tenant'], properties: { tenant: nameSchema } } as const

  app.get<{ Params: TenantParams }>(
    '/api/tenants/:tenant/providers',
    {
      config: { role: 'viewer' },
      schema: { tags: ['providers'], summary: "the tenant's carrier accounts (credentials never shown)", params: tenantParams, response: responses({ 200: { type: 'object', properties: { providers: { type: 'array', items: providerSchema } } } }) },
    },
    async (request) => {
      const tenant = await visibleTenant(store, callerOf(request), request.params.tenant)
      const rows = await store.db.selectFrom('service_providers').selectAll().where('tenant_id', '=', tenant.id).orderBy('name').execute()
      return { providers: rows.map(describe) }
    },
  )

  app.post<{ Params: TenantParams; Body: AccountFields & { name: string; integration: (typeof INTEGRATIONS)[number] } }>(
    '/api/tenants/:tenant/providers',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['providers'],
        summary: 'add a carrier account; jasper accounts need url, user and apiKey',
        params: tenantParams,
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: nameSchema, integration: { type: 'string', enum: [...INTEGRATIONS], default: 'jasper' }, ...accountFields } },
        response: responses({ 201: providerSchema }),
      },
    },
    async (request, reply) => {
      const tenant = await visibleTenant(store, callerOf(request), request.params.tenant)
      const body = request.body
      if (body.integration === 'jasper') for (const field of ['url', 'user', 'apiKey'] as const) if (body[field] === undefined) throw new SimoptError('INPUT_INVALID', `body/${field} is required for a jasper provider`)
      checkTimeZone(body.timeZone)
      checkUrl(body.url, config)
      const sealed = body.integration === 'jasper' ? sealCredentials(secretBox(config), { user: body.user!, apiKey: body.apiKey!, url: body.url! }) : undefined
      const row = await store.db.transaction().execute(async (trx) => {
        const exists = await trx.selectFrom('service_providers').select('id').where('tenant_id', '=', tenant.id).where('name', '=', body.name).executeTakeFirst()
        if (exists !== undefined) throw new SimoptError('ALREADY_EXISTS', `tenant ${tenant.name} already has a provider ${JSON.stringify(body.name)}`)
        return ensureProvider(trx, tenant.id, body.name, {
          integration: body.integration,
          timeZone: body.timeZone ?? 'UTC',
          cycleEndDay: body.cycleEndDay ?? 0,
          cycleEndHour: body.cycleEndHour ?? 0,
          settings: settingsOf(body),
          baseUrl: body.integration === 'jasper' ? body.url : undefined,
          sealedCredentials: sealed,
        })
      })
      return reply.status(201).send(describe(row))
    },
  )

  app.patch<{ Params: TenantParams & { provider: string }; Body: AccountFields }>(
    '/api/tenants/:tenant/providers/:provider',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['providers'],
        summary: 'change a carrier account: only the fields given change',
        params: { type: 'object', required: ['tenant', 'provider'], properties: { tenant: nameSchema, provider: nameSchema } },
        body: { type: 'object', additionalProperties: false, properties: accountFields },
        response: responses({ 200: providerSchema }),
      },
    },
    async (request) => {
      const tenant = await visibleTenant(store, callerOf(request), request.params.tenant)
      const row = await store.db.selectFrom('service_providers').selectAll().where('tenant_id', '=', tenant.id).where('name', '=', request.params.provider).executeTakeFirst()
      if (row === undefined) throw notFound('PROVIDER_NOT_FOUND', `provider ${JSON.stringify(request.params.provider)} of tenant ${tenant.name}`)
      const body = request.body
      checkTimeZone(body.timeZone)
      checkUrl(body.url, config)
      const credentials = credentialsAfter(secretBox(config), row, body, { url: 'body/url', user: 'body/user', apiKey: 'body/apiKey' })
      const settings = { ...parseProviderSettings(row.settings, row.name), ...settingsOf(body) }
      const changed = {
        base_url: body.url ?? row.base_url,
        credentials,
        time_zone: body.timeZone ?? row.time_zone,
        cycle_end_day: body.cycleEndDay ?? row.cycle_end_day,
        cycle_end_hour: body.cycleEndHour ?? row.cycle_end_hour,
        settings: JSON.stringify(settings),
      }
      await store.db.updateTable('service_providers').set(changed).where('id', '=', row.id).execute()
      return describe({ ...row, ...changed })
    },
  )
}

function checkUrl(url: string | undefined, config: Config): void {
  const problem = url === undefined ? undefined : carrierUrlProblem(url, config.allowPrivateCarrierUrls)
  if (problem !== undefined) throw new SimoptError('INPUT_INVALID', `body/url: ${problem}`)
}

function checkTimeZone(timeZone: string | undefined): void {
  if (timeZone !== undefined && !isTimeZone(timeZone)) throw new SimoptError('INPUT_INVALID', `body/timeZone: unknown time zone ${quoteInput(timeZone)}`)
}

function settingsOf(body: AccountFields) {
  return Object.fromEntries(
    (['prorate', 'writeEnabled', 'callsPerSecond', 'callsInFlight', 'scheduleStartHour'] as const)
      .filter((key) => body[key] !== undefined)
      // null clears the start hour: JSON leaves an undefined setting out.
      .map((key) => [key, body[key] ?? undefined]),
  )
}

function describe(row: ProviderRow) {
  const settings = parseProviderSettings(row.settings, row.name)
  return {
    name: row.name,
    integration: row.integration,
    url: row.base_url === null ? null : redactUrl(row.base_url),
    timeZone: row.time_zone,
    cycleEndDay: row.cycle_end_day,
    cycleEndHour: row.cycle_end_hour,
    prorate: settings.prorate,
    writeEnabled: settings.writeEnabled,
    callsPerSecond: settings.callsPerSecond,
    callsInFlight: settings.callsInFlight,
    scheduleStartHour: settings.scheduleStartHour ?? null,
    hasCredentials: row.credentials !== null,
    createdAt: row.created_at,
  }
}
