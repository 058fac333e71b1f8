import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { pino } from 'pino'
import { snapshotCache } from '../../src/cache/snapshot-cache.js'
import { loadConfig } from '../../src/config.js'
import { recordJobs } from '../../src/jobs/job-log.js'
import { job, type Job } from '../../src/jobs/job.js'
import { LocalQueue } from '../../src/jobs/local-queue.js'
import { cleanup, ensureDailyCleanup, nextCleanupJob } from '../../src/jobs/stages/cleanup.js'
import { startWorker } from '../../src/jobs/worker.js'
import { openStore } from '../../src/store/database.js'
import { migrate } from '../../src/store/migrate.js'
import { RETENTION_TABLES } from '../../src/store/retention.js'
import { eventually, simopt, simoptOk, sqliteLocal, storeFor } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const DAY = 86_400_000
const HOUR = 3_600_000

describe('simopt cleanup', () => {
  it('refuses an age it cannot read, naming the option, and changes nothing', async () => {
    const env = sqliteLocal(await tempDir())
    for (const bad of ['5x', '90', 'd', '0h', '3 d']) {
      const run = await simopt(env, ['cleanup', '--older-than', bad])
      assert.equal(run.code, 2, `--older-than ${bad}`)
      assert.match(run.stderr, /option --older-than: must be/)
    }
    const run = await simopt(env, ['cleanup', '--batch-rows', 'many'])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /option --batch-rows/)
  })

  it('removes old finished jobs and reports counts per table', async () => {
    const env = sqliteLocal(await tempDir())
    await simoptOk(env, ['db', 'migrate'])
    const store = storeFor(env)
    try {
      const now = Date.now()
      const row = (id: string, status: string, at: number) => ({ id, type: 'deliver-message', payload: '{"entityId":"x"}', status, attempts: 1, run_after: at, locked_by: null, locked_until: null, last_error: null, created_at: at, updated_at: at })
      await store.db.insertInto('jobs').values([row('a', 'done', now - 20 * HOUR), row('b', 'failed', now - 40 * DAY), row('c', 'done', now - HOUR)]).execute()
      const run = await simoptOk(env, ['cleanup', '--older-than', '12h'])
      assert.match(run.stdout, /^\s+jobs\s+2$/m)
      assert.match(run.stdout, /^\s+results\s+0$/m)
      assert.deepEqual((await store.db.selectFrom('jobs').select('id').execute()).map((r) => r.id), ['c'])
      // The default age is SIMOPT_RETENTION_DAYS.
      await store.db.insertInto('jobs').values([row('d', 'done', now - 40 * DAY)]).execute()
      assert.match((await simoptOk({ ...env, SIMOPT_RETENTION_DAYS: '30' }, ['cleanup'])).stdout, /^\s+jobs\s+1$/m)
      assert.equal((await simopt({ ...env, SIMOPT_RETENTION_DAYS: 'soon' }, ['cleanup'])).code, 2)
    } finally {
      await store.close()
    }
  })

  it('--daily queues the daily cleanup job once', async () => {
    const env = sqliteLocal(await tempDir())
    assert.match((await simoptOk(env, ['cleanup', '--daily'])).stdout, /^queued cleanup\.\d{4}-\d{2}-\d{2}/)
    assert.match((await simoptOk(env, ['cleanup', '--daily'])).stdout, /already queued/)
  })
})

describe('the daily cleanup job', () => {
  it('runs the cleanup and queues itself for the next day, after a missed day too', async () => {
    const folder = await tempDir()
    const config = loadConfig({ SIMOPT_DATABASE_URL: `sqlite:${path.join(folder, 'simopt.db')}` })
    const store = openStore(config.databaseUrl)
    await migrate(store)
    const queue = new LocalQueue(store, 'test-worker', config.jobLeaseMs)
    const worker = await startWorker(config, store, queue, 'test-worker', 1, [cleanup])
    try {
      const now = Date.now()
      await store.db.insertInto('jobs').values({ id: 'old', type: 'deliver-message', payload: '{"entityId":"x"}', status: 'done', attempts: 1, run_after: 0, locked_by: null, locked_until: null, last_error: null, created_at: now - 100 * DAY, updated_at: now - 100 * DAY }).execute()
      // A day long past: the workers were down; the next run is the next 03:00 UTC to come, not the day after.
      await recordJobs(store.db, [job('cleanup', '2026-01-01')])
      await queue.publish([])
      await eventually('the cleanup job to run', async () => ((await store.db.selectFrom('jobs').select('status').where('id', '=', 'cleanup.2026-01-01').executeTakeFirstOrThrow()).status === 'done' ? true : undefined))
      assert.equal(await store.db.selectFrom('jobs').select('id').where('id', '=', 'old').executeTakeFirst(), undefined, 'the 100-day-old job is gone')
      const next = await store.db.selectFrom('jobs').select(['id', 'status', 'run_after']).where('type', '=', 'cleanup').where('status', '=', 'queued').execute()
      assert.equal(next.length, 1)
      assert.equal(next[0]!.id, nextCleanupJob('2026-01-01', now).id)
      assert.ok(next[0]!.run_after > now && next[0]!.run_after <= now + DAY + HOUR, 'due at the next 03:00 UTC')
      assert.deepEqual(await ensureDailyCleanup(store.db), [], 'the chain runs: nothing more is queued')
    } finally {
      await worker.stop()
      await store.close()
    }
  })

  it('logs one line with what it removed, and none when nothing went', async () => {
    const config = loadConfig({ SIMOPT_DATABASE_URL: `sqlite:${path.join(await tempDir(), 'simopt.db')}`, SIMOPT_RETENTION_DAYS: '30' })
    const store = openStore(config.databaseUrl)
    await migrate(store)
    const lines: Record<string, unknown>[] = []
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) })
    const queued: Job[] = []
    const day = '2026-12-01'
    const runOnce = () =>
      cleanup.run(day, { store, config, job: job('cleanup', day), log, cache: snapshotCache(config, () => {}), commit: async (effects) => void queued.push(...(await store.db.transaction().execute(effects))) })
    try {
      const now = Date.now()
      const row = (id: string, at: number) => ({ id, type: 'deliver-message', payload: '{"entityId":"x"}', status: 'done', attempts: 1, run_after: at, locked_by: null, locked_until: null, last_error: null, created_at: at, updated_at: at })
      await store.db.insertInto('jobs').values([row('a', now - 40 * DAY), row('b', now - 31 * DAY), row('c', now - 29 * DAY)]).execute()
      await runOnce()
      assert.equal(lines.length, 1)
      assert.equal(lines[0]!.msg, 'cleanup removed old records')
      assert.equal(lines[0]!.day, day)
      assert.equal(lines[0]!.olderThanDays, 30)
      assert.deepEqual(lines[0]!.removed, Object.fromEntries(RETENTION_TABLES.map((table) => [table, table === 'jobs' ? 2 : 0])))
      await runOnce()
      assert.equal(lines.length, 1, 'a run that removes nothing says nothing')
      assert.deepEqual(
        queued.map((next) => next.type),
        ['cleanup', 'cleanup'],
        'each run queues the next day’s',
      )
    } finally {
      await store.close()
    }
  })

  it('picks the day after, or the next run hour when that has passed', () => {
    const at = (iso: string) => Date.parse(iso)
    assert.equal(nextCleanupJob('2026-12-01', at('2026-12-01T03:00:05Z')).id, 'cleanup.2026-12-02')
    assert.equal(nextCleanupJob('2026-12-01', at('2026-12-01T03:00:05Z')).delayMs, DAY - 5000)
    // Run early (a queue delivered it before its hour): still the next day.
    assert.equal(nextCleanupJob('2026-12-01', at('2026-12-01T00:10:00Z')).id, 'cleanup.2026-12-02')
    // Run days late: today at 03:00 if that is still to come, else tomorrow.
    assert.equal(nextCleanupJob('2026-11-20', at('2026-12-01T02:00:00Z')).id, 'cleanup.2026-12-01')
    assert.equal(nextCleanupJob('2026-11-20', at('2026-12-01T05:00:00Z')).id, 'cleanup.2026-12-02')
  })
})
