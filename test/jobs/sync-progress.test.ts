/**
 * Progress that moves: a session's percent climbs through its carrier sync (the crawl's pages, then the SIMs
 * whose usage is read) instead of sitting at 5% and jumping, and the sync says its SIMs, calls and time left.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startJasperSimulator, type JasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../../src/carriers/jasper/simulator/simulated-fleet.js'
import { billingPeriodAt } from '../../src/domain/index.js'
import { findSession, syncProgress, type SyncTable } from '../../src/store/index.js'
import { simoptOk, sqliteLocal, storeFor } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const SIMS = 400

function syncRow(row: Partial<SyncTable>): SyncTable {
  return {
    instance_id: 'i',
    stage: 'devices',
    window_since: 0,
    window_till: 0,
    last_page: null,
    next_page: null,
    usage_cursor: null,
    devices_seen: 0,
    devices_added: 0,
    devices_updated: 0,
    comm_plans_added: 0,
    usage_rows: 0,
    calls: 0,
    errors: 0,
    started_at: 0,
    finished_at: null,
    ...row,
  }
}

describe('sync progress', () => {
  it('the crawl is the first half, counted in pages; the usage the second, counted in SIMs; the time left from the pace', () => {
    const crawl = syncProgress(syncRow({ stage: 'devices', last_page: 10, next_page: 6, devices_seen: 200, calls: 210, started_at: 1_000 }), null, 41_000)
    // Pages 10 to 7 read: 4 of 10, a fifth of the sync in 40 s: 160 s to go.
    assert.deepEqual({ ...crawl }, { instanceId: 'i', stage: 'devices', simsDone: 200, simsTotal: null, calls: 210, errors: 0, fraction: 0.2, remainingMs: 160_000 })
    const byCursor = syncProgress(syncRow({ stage: 'devices', last_page: 0, next_page: 17, devices_seen: 900 }), null, 5_000)
    assert.equal(byCursor.fraction, 0, 'a crawl by cursor does not know its end')
    assert.equal(byCursor.remainingMs, null)
    const usage = syncProgress(syncRow({ stage: 'usage', usage_rows: 300, started_at: 0 }), 400, 70_000)
    assert.equal(usage.fraction, 0.5 + 0.5 * 0.75)
    assert.equal(usage.simsDone, 300)
    assert.equal(usage.simsTotal, 400)
    assert.equal(usage.remainingMs, 10_000)
    const done = syncProgress(syncRow({ stage: 'done', usage_rows: 400 }), null, 70_000)
    assert.deepEqual([done.fraction, done.simsDone, done.simsTotal, done.remainingMs], [1, 400, 400, null])
  })

  describe('in a session on the Jasper simulator', () => {
    let simulator: JasperSimulator
    before(async () => {
      simulator = await startJasperSimulator({ sims: SIMS, seed: 11, rateLimit: 200 })
    })
    after(() => simulator.close())

    it('run --wait shows the percent climbing through the sync, never back, to 100', async () => {
      const folder = await tempDir()
      const env = { ...sqliteLocal(folder), SIMOPT_SECRET_KEY: 'sync progress test key, long enough', SIMOPT_MAX_PAGES_PER_JOB: '10', SIMOPT_LOG_LEVEL: 'silent' }
      await simoptOk(env, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', '150'])
      const prices = await writeSimulatedPriceSheet(path.join(folder, 'prices'), simulator.fleet)
      const period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
      await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
      const run = await simoptOk(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', period, '--wait'])

      // Not a terminal: a line each time the percent or the status changes.
      const seen = [...run.stderr.matchAll(/^\[[#.]+\]\s+(\d+)% (\w+)$/gm)].map((match) => ({ percent: Number(match[1]), status: match[2]! }))
      const percents = seen.map((line) => line.percent)
      assert.deepEqual(percents, [...percents].sort((a, b) => a - b), `the percent never goes back: ${percents.join(' ')}`)
      assert.equal(percents.at(-1), 100)
      const syncing = new Set(seen.filter((line) => line.status === 'syncing').map((line) => line.percent))
      assert.ok(syncing.size >= 3, `the percent moves during the sync: ${[...syncing].join(' ')}`)
      assert.ok([...syncing].every((percent) => percent < 50), 'the sync is the first half')

      const store = storeFor(env)
      try {
        const view = await findSession(store.db, run.stdout.trim())
        assert.ok(view !== undefined)
        assert.deepEqual(
          view.syncProgress.map(({ stage, simsDone, simsTotal, fraction, remainingMs }) => ({ stage, simsDone, simsTotal, fraction, remainingMs })),
          [{ stage: 'done', simsDone: SIMS, simsTotal: SIMS, fraction: 1, remainingMs: null }],
        )
        assert.ok(view.syncProgress[0]!.calls > SIMS, 'every device read in full, and its usage')
      } finally {
        await store.close()
      }
    })
  })
})
