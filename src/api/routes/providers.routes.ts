/**
 * A tenant's carrier accounts: listed by any of its keys, added and changed by its administrators.
 * Credentials go in and never come out: answers say only `hasCredentials`, and show URLs redacted.
 */
import { z } from 'zod'
import { isCurrencyCode } from '../../domain/index.js'
import { addProvider, listProviders, updateProvider, type ProviderView } from '../../services/accounts.service.js'
import { PROVIDER_INTEGRATIONS } from '../../store/index.js'
import { epochMillis, name, tenantParams } from '../schemas.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'

const provider = z.object({
  name: z.string(),
  integration: z.enum(PROVIDER_INTEGRATIONS),
  url: z.string().nullable(),
  timeZone: z.string(),
  cycleEndDay: z.number().int(),
  cycleEndHour: z.number().int(),
  prorate: z.boolean(),
  writeEnabled: z.boolean(),
  callsPerSecond: z.number().int(),
  callsInFlight: z.number().int(),
  scheduleStartHour: z.number().int().nullable().describe('local hour scheduled sessions start from; null: the cycle end hour'),
  minSavingPerChange: z.number().describe('a SIM changes plan only if the change alone saves at least this much'),
  currency: z.string().describe("ISO 4217 code of the account's money"),
  hasCredentials: z.boolean().describe('whether API credentials are stored (they are never returned)'),
  createdAt: epochMillis,
})

/** The fields a provider is made or changed with; on a change only those given change. */
const accountFields = {
  url: z.url({ protocol: /^https?$/ }).optional().describe("the carrier API's address"),
  user: z.string().min(1).max(200).optional().describe('API user (ThingSpace: the user of the M2M session login)'),
  apiKey: z.string().min(1).max(1000).optional().describe('API key (ThingSpace: the session login password); stored encrypted, never returned'),
  clientId: z.string().min(1).max(200).optional().describe("ThingSpace: the app's OAuth2 client id (app key)"),
  clientSecret: z.string().min(1).max(1000).optional().describe("ThingSpace: the app's OAuth2 client secret; stored encrypted, never returned"),
  accountName: z.string().min(1).max(100).optional().describe('ThingSpace: the billing account, e.g. 0000123456-00001'),
  timeZone: z.string().min(1).max(64).optional().describe('billing time zone (IANA)'),
  cycleEndDay: z.number().int().min(0).max(31).optional().describe('the billing cycle ends on this day at cycleEndHour (1 with hour 0: calendar months; 0 means 1)'),
  cycleEndHour: z.number().int().min(0).max(23).optional(),
  prorate: z.boolean().optional(),
  writeEnabled: z.boolean().optional().describe('simopt may push rate plan changes'),
  callsPerSecond: z.number().int().min(1).max(1000).optional(),
  callsInFlight: z.number().int().min(1).max(64).optional(),
  scheduleStartHour: z.number().int().min(0).max(23).nullable().optional().describe('local hour from which each scheduled day’s session may start; null: the cycle end hour'),
  minSavingPerChange: z.number().min(0).max(1e9).optional().describe('a SIM changes plan only if the change alone saves at least this much (0: any saving)'),
  currency: z.string().refine(isCurrencyCode, { error: 'must be an ISO 4217 currency code such as USD or EUR' }).optional().describe("ISO 4217 code of the account's money (default USD)"),
  sftpUrl: z.string().min(1).max(2000).optional().describe('Telegence: the SFTP folder of its usage report files, sftp://host[:port]/folder (user: `user`; password: `apiKey`, or `sftpKey`)'),
  sftpKey: z.string().min(1).max(20_000).optional().describe("Telegence: the SFTP login's private key text; stored encrypted, never returned"),
  sftpHostKey: z.string().regex(/^(SHA256:)?[A-Za-z0-9+/]{43}=?$/).optional().describe("Telegence: the SFTP server's host key fingerprint (SHA256:…), checked at every login"),
  feedRefetchDays: z.number().int().min(1).max(60).optional().describe('Telegence: report files of the last this many days not downloaded yet are fetched (default 3)'),
  feedStaleHours: z.number().int().min(1).max(1440).optional().describe('Telegence: a usage feed without a new file for this many hours is reported by e-mail (default 6)'),
}

export function providerRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)

  app.get(
    '/api/tenants/:tenant/providers',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listProviders',
        tags: ['providers'],
        summary: "the tenant's carrier accounts (credentials never shown)",
        params: tenantParams,
        response: replies({ 200: z.object({ providers: z.array(provider) }) }),
      },
    },
    async (request) => ({ providers: (await listProviders(ctx, request.params, callerOf(request))).map(describe) }),
  )

  app.post(
    '/api/tenants/:tenant/providers',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'createProvider',
        tags: ['providers'],
        summary: 'add a carrier account; jasper accounts need url, user and apiKey, thingspace ones also clientId, clientSecret and accountName; telegence ones clientId (app-id), clientSecret (app-secret), accountName (FAN), sftpUrl and the SFTP user with apiKey or sftpKey',
        params: tenantParams,
        body: z.object({ name, integration: z.enum(PROVIDER_INTEGRATIONS).default('jasper'), ...accountFields }),
        response: replies({ 201: provider }),
      },
    },
    async (request, reply) => reply.status(201).send(describe(await addProvider(ctx, { tenant: request.params.tenant, ...request.body }, callerOf(request)))),
  )

  app.patch(
    '/api/tenants/:tenant/providers/:provider',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'updateProvider',
        tags: ['providers'],
        summary: 'change a carrier account: only the fields given change',
        params: z.object({ tenant: name, provider: name }),
        body: z.object(accountFields),
        response: replies({ 200: provider }),
      },
    },
    async (request) => describe(await updateProvider(ctx, { ...request.params, ...request.body }, callerOf(request))),
  )
}

function describe(view: ProviderView): z.infer<typeof provider> {
  const { cycle, settings } = view
  return {
    name: view.name,
    integration: view.integration,
    url: view.url,
    ...cycle,
    prorate: settings.prorate,
    writeEnabled: settings.writeEnabled,
    callsPerSecond: settings.callsPerSecond,
    callsInFlight: settings.callsInFlight,
    scheduleStartHour: settings.scheduleStartHour ?? null,
    minSavingPerChange: settings.minSavingPerChange,
    currency: settings.currency,
    hasCredentials: view.hasCredentials,
    createdAt: view.createdAt,
  }
}
