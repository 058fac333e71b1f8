/**
 * A tenant's carrier accounts (service providers): listed, added and changed, the same for the command
 * line and the API. Credentials are sealed (`SIMOPT_SECRET_KEY`) with the URL they were given for before
 * they are stored, and never given back: a view says only whether they are set, and shows the URL redacted.
 */
import { carrierUrlProblem } from '../carriers/carrier-address.js'
import { sftpUrlProblem } from '../carriers/telegence/feed/sftp-address.js'
import { SimoptError, isTimeZone, quoteInput, redactUrl, type BillingCycle } from '../domain/index.js'
import {
  credentialsAfter,
  ensureProvider,
  ensureTenant,
  findProviderOf,
  findTenant,
  inTransaction,
  openCredentials,
  listProviders as storedProviders,
  sealCredentials,
  secretBox,
  toProviderAccount,
  updateProviderAccount,
  type AccountChange,
  type ProviderAccount,
  type ProviderIntegration,
  type ProviderSettings,
} from '../store/index.js'
import type { ServiceContext } from './context.js'
import { visibleProvider, visibleTenant, type Viewer } from './tenant-access.js'

/** The fields a provider is made or changed with; on a change, only those given change. */
export interface AccountFields extends AccountChange {
  readonly timeZone?: string | undefined
  readonly cycleEndDay?: number | undefined
  readonly cycleEndHour?: number | undefined
  readonly prorate?: boolean | undefined
  readonly writeEnabled?: boolean | undefined
  readonly callsPerSecond?: number | undefined
  readonly callsInFlight?: number | undefined
  /** null: back to the cycle end hour. */
  readonly scheduleStartHour?: number | null | undefined
  /** A SIM changes plan only if the change alone saves at least this much (0: any saving). */
  readonly minSavingPerChange?: number | undefined
  /** ISO 4217 code of the account's money. */
  readonly currency?: string | undefined
  /** Telegence: where its usage report files are, `sftp://host[:port]/folder`. */
  readonly sftpUrl?: string | undefined
  /** Telegence: the SFTP server's host key, SHA-256 base64 (as `ssh-keygen -lf` prints it). */
  readonly sftpHostKey?: string | undefined
  /** Telegence: files of the last this many days not downloaded yet are fetched again. */
  readonly feedRefetchDays?: number | undefined
  /** Telegence: hours after which a feed without a new file is reported stale. */
  readonly feedStaleHours?: number | undefined
}

/** How the caller's interface names the fields in messages: `body/url`, `option --url`. */
export interface AccountFieldNames {
  readonly url: string
  readonly user: string
  readonly apiKey: string
  /** ThingSpace's fields; named as the body names them when left out. */
  readonly clientId?: string
  readonly clientSecret?: string
  readonly accountName?: string
  readonly timeZone: string
  /** Telegence's SFTP fields; named as the body names them when left out. */
  readonly sftpUrl?: string
  readonly sftpKey?: string
}

export const BODY_FIELD_NAMES: AccountFieldNames = {
  url: 'body/url',
  user: 'body/user',
  apiKey: 'body/apiKey',
  clientId: 'body/clientId',
  clientSecret: 'body/clientSecret',
  accountName: 'body/accountName',
  timeZone: 'body/timeZone',
  sftpUrl: 'body/sftpUrl',
  sftpKey: 'body/sftpKey',
}

export interface NewProviderInput extends AccountFields {
  readonly tenant: string
  readonly name: string
  readonly integration: ProviderIntegration
  /** Make the tenant when it does not exist yet (the command line does; the API needs an existing one). */
  readonly createTenant?: boolean
}

export interface ProviderChangeInput extends AccountFields {
  readonly tenant: string
  readonly provider: string
}

/** A provider as it is shown: never its credentials, its URL redacted. */
export interface ProviderView {
  readonly name: string
  readonly integration: ProviderIntegration
  readonly url: string | null
  readonly cycle: BillingCycle
  readonly settings: ProviderSettings
  readonly hasCredentials: boolean
  /** Epoch ms. */
  readonly createdAt: number
}

/** The tenant's providers by name. The command line lists none for a tenant not made yet; the API answers TENANT_NOT_FOUND. */
export async function listProviders(ctx: ServiceContext, input: { readonly tenant: string }, viewer?: Viewer): Promise<ProviderView[]> {
  const { db } = ctx.store
  const tenant = viewer === undefined ? await findTenant(db, input.tenant) : await visibleTenant(db, viewer, input.tenant)
  return tenant === undefined ? [] : (await storedProviders(db, tenant.id)).map(providerView)
}

/**
 * Adds a carrier account; a jasper one needs url, user and apiKey; a thingspace one those (user and password
 * of its session login) and its clientId, clientSecret and accountName; a telegence one its app-id and
 * app-secret (clientId, clientSecret), its FAN (accountName), and the SFTP folder of its usage files
 * (sftpUrl) with the login's user and its password (apiKey) or private key (sftpKey). A telegence provider
 * is a Mobility provider.
 * @throws SimoptError `INPUT_INVALID` (a field missing or wrong, named as `names` says), `TENANT_NOT_FOUND`, `ALREADY_EXISTS`.
 */
export async function addProvider(ctx: ServiceContext, input: NewProviderInput, viewer?: Viewer, names: AccountFieldNames = BODY_FIELD_NAMES): Promise<ProviderView> {
  const telegence = input.integration === 'telegence'
  if (telegence && input.apiKey === undefined && input.sftpKey === undefined) {
    const named = names.sftpKey ?? BODY_FIELD_NAMES.sftpKey!
    throw new SimoptError('INPUT_INVALID', `${names.apiKey} (the SFTP login's password) or ${named} is required for a telegence provider`, { field: names.apiKey })
  }
  const api = input.integration === 'files' ? undefined : apiAccount(telegence && input.sftpKey !== undefined ? { ...input, apiKey: input.apiKey ?? '' } : input, names, input.integration)
  const carrierAccount = input.integration === 'thingspace' || telegence ? thingSpaceAccount(input, names, input.integration) : undefined
  if (telegence && input.sftpUrl === undefined) {
    const named = names.sftpUrl ?? BODY_FIELD_NAMES.sftpUrl!
    throw new SimoptError('INPUT_INVALID', `${named} is required for a telegence provider (where its usage report files are)`, { field: named })
  }
  checkTimeZone(input.timeZone, names)
  checkUrl(input.url, ctx, names)
  checkSftpUrl(input.sftpUrl, ctx, names)
  const sftpKey = input.sftpKey === undefined ? {} : { sftpKey: input.sftpKey }
  const sealed = api === undefined ? undefined : sealCredentials(secretBox(ctx.config), { ...api, ...(carrierAccount === undefined ? {} : { carrierAccount }), ...sftpKey })
  const row = await inTransaction(ctx.store, async (trx) => {
    const tenant = input.createTenant === true ? { id: await ensureTenant(trx, input.tenant), name: input.tenant } : await visibleTenant(trx, viewer, input.tenant)
    if ((await findProviderOf(trx, tenant.id, input.name)) !== undefined) {
      throw new SimoptError('ALREADY_EXISTS', `tenant ${tenant.name} already has a provider ${quoteInput(input.name, { bare: true })}`)
    }
    return ensureProvider(trx, tenant.id, input.name, {
      integration: input.integration,
      timeZone: input.timeZone ?? 'UTC',
      cycleEndDay: input.cycleEndDay ?? 0,
      cycleEndHour: input.cycleEndHour ?? 0,
      settings: { ...settingsOf(input), ...(telegence ? { fleet: 'mobility' as const, usageFeed: usageFeedOf(undefined, input)! } : {}) },
      baseUrl: api?.url,
      sealedCredentials: sealed,
    })
  })
  return providerView(toProviderAccount(row))
}

/**
 * Changes a carrier account: only the fields given change. A new URL needs the credentials with it.
 * @throws SimoptError `INPUT_INVALID`, `TENANT_NOT_FOUND`, `PROVIDER_NOT_FOUND`.
 */
export async function updateProvider(ctx: ServiceContext, input: ProviderChangeInput, viewer?: Viewer, names: AccountFieldNames = BODY_FIELD_NAMES): Promise<ProviderView> {
  checkTimeZone(input.timeZone, names)
  checkUrl(input.url, ctx, names)
  checkSftpUrl(input.sftpUrl, ctx, names)
  const { provider } = await visibleProvider(ctx.store.db, viewer, input.tenant, input.provider)
  const usageFeed = usageFeedOf(provider.settings.usageFeed, input)
  checkSftpMove(ctx, provider, input, names)
  // "give --user and --api-key": the options themselves, not "option --user".
  const bare = (name: string) => name.replace(/^option /, '')
  const sealedCredentials = credentialsAfter(secretBox(ctx.config), provider, input, { url: names.url, user: bare(names.user), apiKey: bare(names.apiKey), clientSecret: bare(names.clientSecret ?? BODY_FIELD_NAMES.clientSecret!) })
  const updated = await updateProviderAccount(ctx.store.db, provider, {
    baseUrl: input.url ?? provider.baseUrl,
    sealedCredentials,
    cycle: {
      timeZone: input.timeZone ?? provider.cycle.timeZone,
      cycleEndDay: input.cycleEndDay ?? provider.cycle.cycleEndDay,
      cycleEndHour: input.cycleEndHour ?? provider.cycle.cycleEndHour,
    },
    settings: { ...provider.settings, ...settingsOf(input), ...(usageFeed === undefined ? {} : { usageFeed }) },
  })
  return providerView(updated)
}

export function providerView(account: ProviderAccount): ProviderView {
  return {
    name: account.name,
    integration: account.integration,
    url: account.baseUrl === null ? null : redactUrl(account.baseUrl),
    cycle: account.cycle,
    settings: account.settings,
    hasCredentials: account.sealedCredentials !== null,
    createdAt: account.createdAt,
  }
}

/** The address and login every carrier API takes (Jasper: user and API key; ThingSpace: its session login's user and password). */
function apiAccount(input: AccountFields, names: AccountFieldNames, integration: ProviderIntegration): { url: string; user: string; apiKey: string } {
  const { url, user, apiKey } = input
  for (const field of ['url', 'user', 'apiKey'] as const) {
    if (input[field] === undefined) throw new SimoptError('INPUT_INVALID', `${names[field]} is required for a ${integration} provider`, { field: names[field] })
  }
  return { url: url!, user: user!, apiKey: apiKey! }
}

/** ThingSpace: the app's OAuth2 client and the billing account; Telegence: the app-id, app-secret and FAN. */
function thingSpaceAccount(input: AccountFields, names: AccountFieldNames, integration: ProviderIntegration): { clientId: string; clientSecret: string; accountName: string } {
  const { clientId, clientSecret, accountName } = input
  for (const field of ['clientId', 'clientSecret', 'accountName'] as const) {
    const named = names[field] ?? BODY_FIELD_NAMES[field]!
    if (input[field] === undefined) throw new SimoptError('INPUT_INVALID', `${named} is required for a ${integration} provider`, { field: named })
  }
  return { clientId: clientId!, clientSecret: clientSecret!, accountName: accountName! }
}

/** @throws SimoptError `INPUT_INVALID` when the URL cannot be a carrier API's address (a password in it, a private address). */
function checkUrl(url: string | undefined, ctx: ServiceContext, names: AccountFieldNames): void {
  const problem = url === undefined ? undefined : carrierUrlProblem(url, ctx.config.allowPrivateCarrierUrls)
  if (problem !== undefined) throw new SimoptError('INPUT_INVALID', `${names.url}: ${problem}`, { field: names.url })
}

/** The usage feed's settings after `input`; `undefined` when the provider has none and none is given. */
function usageFeedOf(current: ProviderSettings['usageFeed'], input: AccountFields): ProviderSettings['usageFeed'] {
  const sftpUrl = input.sftpUrl ?? current?.sftpUrl
  if (sftpUrl === undefined) return undefined
  const hostKeySha256 = input.sftpHostKey?.replace(/^SHA256:/, '') ?? current?.hostKeySha256
  return {
    sftpUrl,
    refetchDays: input.feedRefetchDays ?? current?.refetchDays ?? 3,
    staleHours: input.feedStaleHours ?? current?.staleHours ?? 6,
    ...(hostKeySha256 === undefined || hostKeySha256 === '' ? {} : { hostKeySha256 }),
  }
}

/**
 * A new SFTP address needs the SFTP password again: a password login sends it to the server, and the stored
 * one was given for the old server. (A key login sends only a signature, so the stored key may go on.)
 */
function checkSftpMove(ctx: ServiceContext, provider: ProviderAccount, input: AccountFields, names: AccountFieldNames): void {
  const moved = input.sftpUrl !== undefined && provider.settings.usageFeed !== undefined && input.sftpUrl !== provider.settings.usageFeed.sftpUrl
  if (!moved || input.apiKey !== undefined || input.sftpKey !== undefined || provider.sealedCredentials === null) return
  const stored = openCredentials(secretBox(ctx.config), provider.sealedCredentials)
  if (stored.sftpKey !== undefined || stored.apiKey === '') return
  const named = names.sftpUrl ?? BODY_FIELD_NAMES.sftpUrl!
  throw new SimoptError('INPUT_INVALID', `${named}: a new SFTP address needs the SFTP login's password again: give ${names.apiKey.replace(/^option /, '')} with it (a stored password is never sent to a server it was not given for)`, { field: named })
}

/** An SFTP folder's address: `sftp://host[:port]/folder`, no user or password, and a host a carrier may have. */
function checkSftpUrl(url: string | undefined, ctx: ServiceContext, names: AccountFieldNames): void {
  if (url === undefined) return
  const named = names.sftpUrl ?? BODY_FIELD_NAMES.sftpUrl!
  const problem = sftpUrlProblem(url, ctx.config.allowPrivateCarrierUrls)
  if (problem !== undefined) throw new SimoptError('INPUT_INVALID', `${named}: ${problem}`, { field: named })
}

function checkTimeZone(timeZone: string | undefined, names: AccountFieldNames): void {
  if (timeZone !== undefined && !isTimeZone(timeZone)) throw new SimoptError('INPUT_INVALID', `${names.timeZone}: unknown time zone ${quoteInput(timeZone)}`, { field: names.timeZone })
}

/** The settings given; a null start hour is left out, which clears it. */
function settingsOf(input: AccountFields): Partial<ProviderSettings> {
  return Object.fromEntries(
    (['prorate', 'writeEnabled', 'callsPerSecond', 'callsInFlight', 'scheduleStartHour', 'minSavingPerChange', 'currency'] as const)
      .filter((key) => input[key] !== undefined)
      .map((key) => [key, input[key] ?? undefined]),
  )
}
