/**
 * The built-in scheduler: `worker` and `serve` tick the schedule on `SIMOPT_SCHEDULE_CRON`; of several
 * processes ticking at once exactly one starts each due run (the claim in `schedule_runs`), and a claim
 * whose process died is taken over.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { scheduleTick, STALE_CLAIM_MS } from '../../src/jobs/schedule-tick.js'
import { createQueue } from '../../src/jobs/worker.js'
import type { Store } from '../../src/store/database.js'
import { EXAMPLES } from '../helpers/paths.js'
import { freshPostgresDatabase, freshRedisPrefix } from '../helpers/services.js'
import { eventually, importArgs, postgresBullmq, sessionEnd, simopt, simoptOk, sqliteLocal, startWorkerProcess, stopWorkerProcess, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const FILES = { plans: path.join(EXAMPLES, 'plans.csv'), pools: path.join(EXAMPLES, 'pools.csv'), commPlans: path.join(EXAMPLES, 'comm_plans.csv'), sims: path.join(EXAMPLES, 'sims.csv') }
const EVERY_SECOND = { SIMOPT_SCHEDULE_CRON: '* * * * * *' }

/** Imports the example fleet with a cycle that puts now in the last two days of the period, whatever the date. */
async function importDueNow(env: ServiceEnv): Promise<void> {
  const now = new Date()
  await simoptOk(env, [...importArgs(FILES, now.toISOString().slice(0, 7)), '--time-zone', 'UTC', '--cycle-end-day', String(now.getUTCDate()), '--cycle-end-hour', '23'])
}

async function scheduledSessions(store: Store) {
  return store.db.selectFrom('sessions').select(['id', 'trigger', 'status']).execute()
}

describe('the built-in scheduler', () => {
  it('ticks in two workers on PostgreSQL/BullMQ: the due session starts once, runs, and the next ticks see it ran', async (t) => {
    const databaseUrl = await freshPostgresDatabase(t)
    if (databaseUrl === undefined) return
    const redis = await freshRedisPrefix(t)
    if (redis === undefined) return
    const folder = await tempDir()
    const env = { ...postgresBullmq(databaseUrl, redis), ...EVERY_SECOND, SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox') }
    await importDueNow(env)
    const store = storeFor(env)
    const workers = [startWorkerProcess(env), startWorkerProcess(env)]
    try {
      const [started] = await eventually('a scheduled session', async () => {
        const sessions = await scheduledSessions(store)
        return sessions.length > 0 ? sessions : undefined
      })
      assert.equal(started!.trigger, 'schedule')
      assert.equal((await sessionEnd(store, started!.id)).status, 'done')
      // Both workers go on ticking every second: the day has had its run.
      await sleep(3000)
      assert.deepEqual((await scheduledSessions(store)).map((s) => s.id), [started!.id])
      const runs = await store.db.selectFrom('schedule_runs').select(['outcome', 'session_id', 'skips']).execute()
      assert.deepEqual(runs, [{ outcome: 'started', session_id: started!.id, skips: 0 }])
      // The race was never seen by the tenant: no "already running" e-mail.
      const kinds = await store.db.selectFrom('outbox').select('kind').execute()
      assert.ok(!kinds.some((row) => row.kind === 'already-running'), JSON.stringify(kinds))
    } finally {
      await Promise.all(workers.map(stopWorkerProcess))
      await store.close()
    }
  })

  it('does not tick when SIMOPT_SCHEDULE_CRON is off, and refuses a pattern it cannot read', async () => {
    const folder = await tempDir()
    const env = sqliteLocal(folder)
    await importDueNow(env)
    const worker = startWorkerProcess(env)
    const store = storeFor(env)
    try {
      await sleep(2500)
      assert.deepEqual(await scheduledSessions(store), [])
    } finally {
      await stopWorkerProcess(worker)
      await store.close()
    }
    const bad = await simopt({ ...env, SIMOPT_SCHEDULE_CRON: 'every monday' }, ['worker'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /SIMOPT_SCHEDULE_CRON: must be a cron pattern such as "\*\/5 \* \* \* \*" or off, got "every monday"/)
  })

  it('claims each run: of two ticks at once one starts the session; a claim left by a dead process is taken over', async () => {
    const folder = await tempDir()
    const env = sqliteLocal(folder)
    await importDueNow(env)
    const config = loadConfig(env)
    const store = storeFor(env)
    const deps = { store, queue: createQueue(config, store, 'tick-test'), config }
    try {
      const [one, two] = await Promise.all([scheduleTick(deps), scheduleTick(deps)])
      assert.deepEqual([one![0]!.kind, two![0]!.kind].sort(), ['claimed-elsewhere', 'started'])
      assert.equal((await scheduledSessions(store)).length, 1)

      // A claim whose session never came (the process died between claim and start): fresh, it is left alone...
      const [session] = await scheduledSessions(store)
      await store.db.updateTable('sessions').set({ status: 'failed', running_key: null, created_at: 0 }).where('id', '=', session!.id).execute()
      await store.db.updateTable('schedule_runs').set({ session_id: null, updated_at: Date.now() }).execute()
      assert.equal((await scheduleTick(deps))[0]!.kind, 'claimed-elsewhere')
      // ...and once stale, the next tick takes it over and starts the run.
      await store.db.updateTable('schedule_runs').set({ updated_at: Date.now() - STALE_CLAIM_MS - 1 }).execute()
      const [takeover] = await scheduleTick(deps)
      assert.equal(takeover!.kind, 'started')
      assert.equal((await scheduledSessions(store)).length, 2)
    } finally {
      await store.close()
    }
  })
})
