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
import { cycleEndingTomorrowArgs, eventually, importArgs, postgresBullmq, sessionEnd, simopt, simoptOk, sqliteLocal, startWorkerProcess, stopWorkerProcess, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const FILES = { plans: path.join(EXAMPLES, 'plans.csv'), pools: path.join(EXAMPLES, 'pools.csv'), commPlans: path.join(EXAMPLES, 'comm_plans.csv'), sims: path.join(EXAMPLES, 'sims.csv') }
const EVERY_SECOND = { SIMOPT_SCHEDULE_CRON: '* * * * * *' }

/** Imports the example fleet with a cycle that puts now in the last two days of the period, whatever the date. */
async function importDueNow(env: ServiceEnv, tenant = 'acme'): Promise<void> {
  const now = new Date()
  const args = importArgs(FILES, now.toISOString().slice(0, 7)).map((arg) => (arg === 'acme' ? tenant : arg))
  await simoptOk(env, [...args, ...cycleEndingTomorrowArgs(now)])
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

  it('reports a provider it cannot schedule and schedules the others; a start that fails becomes a skip with its reason', async () => {
    const folder = await tempDir()
    const env = sqliteLocal(folder)
    await importDueNow(env)
    await importDueNow(env, 'beta')
    const config = loadConfig(env)
    const store = storeFor(env)
    const queue = createQueue(config, store, 'tick-test')
    try {
      // Settings written around the commands' checks (by an older version, or by hand).
      await store.db.updateTable('tenants').set({ settings: JSON.stringify({ emailTo: ['not an address'] }) }).where('name', '=', 'acme').execute()
      // The queue refuses the session's first job: the session is stored, then its start fails.
      const failingQueue = {
        ...queue,
        ready: () => queue.ready(),
        publish: async (jobs: Parameters<typeof queue.publish>[0]) => (jobs.some((job) => job.type === 'start-session') ? Promise.reject(new Error('queue unreachable')) : queue.publish(jobs)),
      } as typeof queue
      const outcomes = await scheduleTick({ store, queue: failingQueue, config })
      assert.deepEqual(
        outcomes.map((o) => (o.kind === 'invalid' ? [o.kind, o.provider.tenant, o.provider.reason] : [o.kind, o.decision.provider.tenant])),
        [
          ['invalid', 'acme', 'settings of tenant acme: emailTo.0: "not an address" is not an e-mail address'],
          ['started', 'beta'],
        ],
      )
      // The session was committed before the queue failed, so the run is recorded as started, once.
      const [beta] = await scheduledSessions(store)
      assert.deepEqual(await store.db.selectFrom('schedule_runs').select(['outcome', 'session_id']).execute(), [{ outcome: 'started', session_id: beta!.id }])
      const cli = await simopt(env, ['schedule', '--dry-run'])
      assert.equal(cli.code, 2)
      assert.match(cli.stdout, /^ {2}invalid acme \/ main: settings of tenant acme: emailTo/m)
      assert.match(cli.stdout, /^ {2}ran +beta \/ main /m)
      assert.match(cli.stderr, /cannot schedule acme \/ main: settings of tenant acme: emailTo/)

      // A start refused by the database (a session started by hand the tick did not see) is a skip, not an e-mail.
      await store.db.updateTable('tenants').set({ settings: '{}' }).where('name', '=', 'acme').execute()
      const byHand = (await simoptOk(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', new Date().toISOString().slice(0, 7)])).stdout.trim()
      await store.db.updateTable('sessions').set({ created_at: Date.now() + 3_600_000 }).where('id', '=', byHand).execute()
      const refused = (await scheduleTick({ store, queue, config })).find((o) => o.kind !== 'invalid' && o.decision.provider.tenant === 'acme')
      assert.equal(refused?.kind, 'skipped')
      assert.match(refused.kind === 'skipped' ? refused.reason : '', new RegExp(`is already running: ${byHand}`))
      assert.deepEqual(await store.db.selectFrom('outbox').select('kind').execute(), [], 'no already-running e-mail')
      const acmeRun = await store.db.selectFrom('schedule_runs').innerJoin('service_providers', 'service_providers.id', 'schedule_runs.provider_id').innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id').select(['outcome', 'skips', 'session_id']).where('tenants.name', '=', 'acme').execute()
      assert.deepEqual(acmeRun, [{ outcome: 'skipped', skips: 1, session_id: null }])
    } finally {
      await store.close()
    }
  })
})
