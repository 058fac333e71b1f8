/**
 * The carrier of a provider, for the sync and push stages, whichever carrier it is: the only place that
 * maps an integration to a carrier. Every client of one carrier account in this process shares one call
 * limiter (the account's limits count all its calls together), which with the BullMQ queue also counts them
 * in Redis with every other worker's; and a ThingSpace client is kept between jobs so that its tokens are too.
 */
import { createHash } from 'node:crypto'
import type { Config } from '../config.js'
import {
  CallLimiter,
  JASPER_TRAITS,
  JasperClient,
  redisCallBudget,
  sharedRedis,
  TELEGENCE_TRAITS,
  TelegenceCarrier,
  TelegenceClient,
  THINGSPACE_TRAITS,
  ThingSpaceCarrier,
  ThingSpaceClient,
  type Carrier,
  type CarrierTraits,
} from '../carriers/index.js'
import { carrierUrlProblem } from '../carriers/carrier-address.js'
import { redactUrl, SimoptError } from '../domain/index.js'
import { msisdnOfDevice, openCredentials, parseProviderSettings, secretBox, type Db, type ProviderRow } from '../store/index.js'

/** By provider id, with the carrier account it counts calls for. */
const limiters = new Map<string, { readonly account: string; readonly limiter: CallLimiter }>()
/** By provider id, with what it was made from: a changed address or credentials make a new one. */
const thingSpaceClients = new Map<string, { readonly made: string; readonly client: ThingSpaceClient }>()

/** Integrations with a carrier API to sync from and push to. */
const CARRIER_INTEGRATIONS = ['jasper', 'thingspace', 'telegence'] as const

/** Whether sessions of a provider with this integration sync from a carrier (not from imported files). */
export function hasCarrierApi(integration: string): boolean {
  return CARRIER_INTEGRATIONS.some((known) => known === integration)
}

/** The rules of the integration's carrier (for the go / no-go), without building a client; `undefined` for files. */
export function carrierTraits(integration: string): CarrierTraits | undefined {
  if (integration === 'thingspace') return THINGSPACE_TRAITS
  if (integration === 'telegence') return TELEGENCE_TRAITS
  if (integration === 'jasper') return JASPER_TRAITS
  return undefined
}

/** The options that set a provider's API account, for messages saying what to set. */
const ACCOUNT_OPTIONS: Readonly<Record<string, string>> = {
  jasper: '--url --user --api-key',
  thingspace: '--url --user --password --client-id --client-secret --account',
  telegence: '--url --client-id --client-secret --account',
}

/**
 * The carrier of `provider`. `db` is where a Telegence carrier finds the subscriber number of a SIM (its
 * MSISDN as the device sync stored it): Telegence addresses subscribers by number, simopt SIMs by ICCID.
 * @throws SimoptError `SETTING_MISSING` when the provider has no carrier API, address or credentials (or they do not fit).
 */
export function carrierFor(provider: ProviderRow, config: Config, db?: Db): Carrier {
  if (!hasCarrierApi(provider.integration)) throw new SimoptError('SETTING_MISSING', `provider ${provider.name} has no carrier API to sync from (integration ${provider.integration})`)
  const options = ACCOUNT_OPTIONS[provider.integration]!
  if (provider.base_url === null || provider.credentials === null) {
    throw new SimoptError('SETTING_MISSING', `provider ${provider.name} has no API address or credentials (set them with simopt provider set ${options})`)
  }
  // Stored before the checks existed, or allowed then: the address is checked again at each use.
  const problem = carrierUrlProblem(provider.base_url, config.allowPrivateCarrierUrls)
  if (problem !== undefined) throw new SimoptError('SETTING_MISSING', `provider ${provider.name}'s API address ${problem}; set it again with simopt provider set ${options}`)
  const { user, apiKey, url, carrierAccount } = openCredentials(secretBox(config), provider.credentials)
  if (url !== undefined && url !== provider.base_url) {
    throw new SimoptError('SETTING_MISSING', `provider ${provider.name}'s credentials were given for another API address than ${redactUrl(provider.base_url)}; give them again with it (simopt provider set ${options})`)
  }
  const { callsPerSecond, callsInFlight } = parseProviderSettings(provider.settings, provider.name)
  // Telegence's calls are counted per app (its user and password are the SFTP login's, not the API's).
  const account =
    provider.integration === 'telegence'
      ? accountKey(provider.integration, provider.base_url, carrierAccount?.clientId ?? user, carrierAccount?.clientSecret)
      : accountKey(provider.integration, provider.base_url, user, apiKey, carrierAccount?.clientSecret)
  let counted = limiters.get(provider.id)
  if (counted === undefined || counted.account !== account) {
    // Workers of a BullMQ queue may run anywhere: the account's calls are counted in its Redis, across them
    // all, and across the providers (of any tenant) that use the same carrier account.
    const shared = config.queue === 'bullmq' && config.redisUrl !== undefined ? redisCallBudget(sharedRedis(config.redisUrl), config.queuePrefix, account) : undefined
    counted = { account, limiter: new CallLimiter({ name: `provider ${provider.name}`, callsPerSecond, maxInFlight: callsInFlight, shared }) }
    limiters.set(provider.id, counted)
  }
  // A worker or server outlives settings changes: `provider set --calls-per-second` applies from the next job.
  else counted.limiter.setLimits({ callsPerSecond, maxInFlight: callsInFlight })
  const refusePrivateAddresses = !config.allowPrivateCarrierUrls
  if (provider.integration === 'jasper') return new JasperClient({ baseUrl: provider.base_url, user, apiKey, limiter: counted.limiter, timeZone: provider.time_zone, refusePrivateAddresses })

  if (carrierAccount === undefined) throw new SimoptError('SETTING_MISSING', `provider ${provider.name} has no client id, secret and account (set them with simopt provider set ${options})`)
  if (provider.integration === 'telegence') {
    if (db === undefined) throw new SimoptError('INTERNAL', `the Telegence carrier of provider ${provider.name} needs the database to find subscriber numbers`)
    const client = new TelegenceClient({ baseUrl: provider.base_url, appId: carrierAccount.clientId, appSecret: carrierAccount.clientSecret, fan: carrierAccount.accountName, limiter: counted.limiter, refusePrivateAddresses })
    return new TelegenceCarrier({ client, subscriberOf: (iccid) => msisdnOfDevice(db, provider.id, iccid) })
  }
  const made = `${provider.base_url}\n${provider.credentials}`
  let kept = thingSpaceClients.get(provider.id)
  if (kept === undefined || kept.made !== made) {
    const credentials = { appKey: carrierAccount.clientId, appSecret: carrierAccount.clientSecret, username: user, password: apiKey }
    kept = { made, client: new ThingSpaceClient({ baseUrl: provider.base_url, accountName: carrierAccount.accountName, credentials, limiter: counted.limiter, refusePrivateAddresses }) }
    thingSpaceClients.set(provider.id, kept)
  }
  const cycle = { timeZone: provider.time_zone, cycleEndDay: provider.cycle_end_day, cycleEndHour: provider.cycle_end_hour }
  return new ThingSpaceCarrier({ client: kept.client, accountName: carrierAccount.accountName, cycle })
}

/** The limiter's counters for a provider (calls made so far in this process), for the sync summary. */
export function carrierCalls(providerId: string): { calls: number; errors: number } {
  const stats = limiters.get(providerId)?.limiter.stats
  if (stats === undefined) return { calls: 0, errors: 0 }
  return { calls: stats.calls, errors: Object.values(stats.errors).reduce((sum, count) => sum + count, 0) }
}

/**
 * Names a carrier account (its API, the user calling it, and the secrets it calls with) without putting any
 * of them in Redis's keys. The secrets are in it so that only a provider holding the account's credentials
 * shares its call budget: a tenant that merely names another's API and user (with a wrong key) would
 * otherwise fill the other's budget with its own refused calls.
 */
function accountKey(integration: string, baseUrl: string, user: string, ...secrets: readonly (string | undefined)[]): string {
  return createHash('sha256').update([integration, baseUrl, user, ...secrets.map((secret) => secret ?? '')].join('\n')).digest('hex').slice(0, 24)
}
