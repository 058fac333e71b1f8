/**
 * A worker or server keeps one call limiter per provider for as long as it runs: the provider's limits,
 * changed meanwhile (`provider set --calls-per-second`), must reach it.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startJasperSimulator, type JasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { loadConfig } from '../../src/config.js'
import { carrierCalls, carrierFor } from '../../src/jobs/carrier-for.js'
import type { ProviderRow } from '../../src/store/accounts.js'
import { secretBox } from '../../src/store/secret-box.js'

describe('carrierFor', () => {
  let simulator: JasperSimulator
  before(async () => {
    simulator = await startJasperSimulator({ sims: 5, rateLimit: 100 })
  })
  after(() => simulator.close())

  it('applies a provider\'s changed calls per second to the limiter it already made (a stale limiter kept the old rate until a restart)', async () => {
    const config = loadConfig({ SIMOPT_SECRET_KEY: 'carrier-for test key, long enough', SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'true' })
    const provider = (callsPerSecond: number): ProviderRow => ({
      id: 'carrier-for-test-provider',
      tenant_id: 't',
      name: 'main',
      integration: 'jasper',
      time_zone: 'UTC',
      cycle_end_day: 0,
      cycle_end_hour: 0,
      settings: JSON.stringify({ callsPerSecond }),
      base_url: simulator.url,
      credentials: secretBox(config).seal(JSON.stringify({ user: simulator.user, apiKey: simulator.apiKey })),
      devices_synced_till: null,
      created_at: 0,
    })
    const iccid = simulator.fleet.devices()[0]!.iccid
    const timeCalls = async (callsPerSecond: number, calls: number): Promise<number> => {
      const carrier = carrierFor(provider(callsPerSecond), config)
      const started = performance.now()
      for (let i = 0; i < calls; i++) await carrier.cycleUsage(iccid)
      return performance.now() - started
    }
    assert.ok((await timeCalls(2, 3)) >= 900, 'the third call at 2 a second waits for the first one\'s second to pass')
    // At the old 2 a second, six more calls take at least 2.5 s; at 100 a second, one round trip each.
    const faster = await timeCalls(100, 6)
    assert.ok(faster < 2000, `six calls at 100 a second took ${faster.toFixed(0)} ms`)
    assert.equal(carrierCalls('carrier-for-test-provider').calls, 9, 'one limiter, its counts kept')
  })
})
