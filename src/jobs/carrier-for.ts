/**
 * The carrier client of a provider, for the sync (and later push) stages. Every client of one carrier
 * account in this process shares one call limiter: the account's limits count all its calls together.
 */
import type { Config } from '../config.js'
import { CallLimiter, JasperClient, type Carrier } from '../carriers/index.js'
import { carrierUrlProblem } from '../carriers/carrier-address.js'
import { redactUrl, SimoptError } from '../domain/index.js'
import { openCredentials, parseProviderSettings, secretBox, type ProviderRow } from '../store/index.js'

const limiters = new Map<string, CallLimiter>()

/** @throws SimoptError `SETTING_MISSING` when the provider has no carrier API, address or credentials (or they do not fit). */
export function carrierFor(provider: ProviderRow, config: Config): Carrier {
  if (provider.integration !== 'jasper') throw new SimoptError('SETTING_MISSING', `provider ${provider.name} has no carrier API to sync from (integration ${provider.integration})`)
  if (provider.base_url === null || provider.credentials === null) {
    throw new SimoptError('SETTING_MISSING', `provider ${provider.name} has no API address or credentials (set them with simopt provider set --url --user --api-key)`)
  }
  // Stored before the checks existed, or allowed then: the address is checked again at each use.
  const problem = carrierUrlProblem(provider.base_url, config.allowPrivateCarrierUrls)
  if (problem !== undefined) throw new SimoptError('SETTING_MISSING', `provider ${provider.name}'s API address ${problem}; set it again with simopt provider set --url --user --api-key`)
  const { user, apiKey, url } = openCredentials(secretBox(config), provider.credentials)
  if (url !== undefined && url !== provider.base_url) {
    throw new SimoptError('SETTING_MISSING', `provider ${provider.name}'s credentials were given for another API address than ${redactUrl(provider.base_url)}; give them again with it (simopt provider set --url --user --api-key)`)
  }
  const { callsPerSecond, callsInFlight } = parseProviderSettings(provider.settings, provider.name)
  let limiter = limiters.get(provider.id)
  if (limiter === undefined) limiters.set(provider.id, (limiter = new CallLimiter({ name: `provider ${provider.name}`, callsPerSecond, maxInFlight: callsInFlight })))
  // A worker or server outlives settings changes: `provider set --calls-per-second` applies from the next job.
  else limiter.setLimits({ callsPerSecond, maxInFlight: callsInFlight })
  return new JasperClient({ baseUrl: provider.base_url, user, apiKey, limiter, timeZone: provider.time_zone, refusePrivateAddresses: !config.allowPrivateCarrierUrls })
}

/** The limiter's counters for a provider (calls made so far in this process), for the sync summary. */
export function carrierCalls(providerId: string): { calls: number; errors: number } {
  const stats = limiters.get(providerId)?.stats
  if (stats === undefined) return { calls: 0, errors: 0 }
  return { calls: stats.calls, errors: Object.values(stats.errors).reduce((sum, count) => sum + count, 0) }
}
