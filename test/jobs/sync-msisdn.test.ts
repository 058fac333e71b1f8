/**
 * Regression: a Jasper sync left every MSISDN empty (the device list does not carry it, and details were read
 * only for new devices of a prorating provider), and a later sync never updated one the carrier changed.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startJasperSimulator, type JasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../../src/carriers/jasper/simulator/simulated-fleet.js'
import { billingPeriodAt } from '../../src/domain/index.js'
import { simoptOk, sqliteLocal, storeFor } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('MSISDNs after a Jasper sync', () => {
  let simulator: JasperSimulator
  before(async () => {
    simulator = await startJasperSimulator({ sims: 150, seed: 21, rateLimit: 200 })
  })
  after(() => simulator.close())

  it('stores every SIM\'s MSISDN, and the new one after the carrier changes it', async () => {
    const folder = await tempDir()
    const env = { ...sqliteLocal(folder), SIMOPT_SECRET_KEY: 'msisdn test key, long enough' }
    // Not prorating: the provider the demo makes.
    await simoptOk(env, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', '150'])
    const prices = await writeSimulatedPriceSheet(path.join(folder, 'prices'), simulator.fleet)
    const period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
    await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
    const store = storeFor(env)
    const stored = async () => new Map((await store.db.selectFrom('devices').select(['iccid', 'msisdn']).execute()).map((row) => [row.iccid, row.msisdn]))
    try {
      await simoptOk(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period, '--wait'])
      const first = await stored()
      assert.equal(first.size, simulator.fleet.size)
      for (const device of simulator.fleet.devices()) assert.equal(first.get(device.iccid), device.msisdn, `MSISDN of ${device.iccid}`)

      const renumbered = simulator.fleet.devices().slice(0, 3).map((device) => device.iccid)
      for (const [i, iccid] of renumbered.entries()) simulator.fleet.changeMsisdn(iccid, `1999000000${i}`, Date.now())
      await simoptOk(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period, '--wait'])
      const second = await stored()
      for (const [i, iccid] of renumbered.entries()) assert.equal(second.get(iccid), `1999000000${i}`, `the new MSISDN of ${iccid}`)
      for (const device of simulator.fleet.devices()) assert.equal(second.get(device.iccid), device.msisdn, `MSISDN of ${device.iccid}`)
    } finally {
      await store.close()
    }
  })
})
