/** `simopt schedule`: the schedule's decisions from what the database holds; `--dry-run --at` starts nothing. */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { EXAMPLES } from '../helpers/paths.js'
import { cycleEndingTomorrowArgs, importArgs, simopt, simoptOk, sqliteLocal, storeFor } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const FILES = { plans: path.join(EXAMPLES, 'plans.csv'), pools: path.join(EXAMPLES, 'pools.csv'), commPlans: path.join(EXAMPLES, 'comm_plans.csv'), sims: path.join(EXAMPLES, 'sims.csv') }

describe('simopt schedule', () => {
  it('--dry-run --at says what would start, wait or be skipped, and starts nothing', async () => {
    const env = sqliteLocal(await tempDir())
    await simoptOk(env, importArgs(FILES, '2026-11'))
    const due = await simoptOk(env, ['schedule', '--dry-run', '--at', '2026-11-25T09:00:00Z'])
    assert.match(due.stdout, /^dry run at 2026-11-25T09:00:00\.000Z, the last 8 days of each period; nothing is started$/m)
    assert.match(due.stdout, /^ {2}start +acme \/ main +period 2026-11, day 2026-11-25 \(due since 2026-11-25T00:00:00\.000Z, UTC\)$/m)
    assert.match((await simoptOk(env, ['schedule', '--dry-run', '--at', '2026-11-10T12:00:00+01:00'])).stdout, /waiting acme \/ main +period 2026-11, day 2026-11-23: due at 2026-11-23T00:00:00\.000Z/)
    assert.match((await simoptOk({ ...env, SIMOPT_SCHEDULE_DAYS: '21' }, ['schedule', '--dry-run', '--at', '2026-11-10T12:00:00Z'])).stdout, /start +acme \/ main/)

    const store = storeFor(env)
    try {
      assert.equal((await store.db.selectFrom('sessions').select('id').execute()).length, 0, 'a dry run starts nothing')
      // The provider's start hour moves the day's run; "" gives it back to the cycle end hour.
      await simoptOk(env, ['provider', 'set', '--tenant', 'acme', '--name', 'main', '--schedule-start-hour', '9'])
      assert.match((await simoptOk(env, ['provider', 'list', '--tenant', 'acme'])).stdout, /scheduled from 09:00/)
      assert.match((await simoptOk(env, ['schedule', '--dry-run', '--at', '2026-11-25T08:59:00Z'])).stdout, /waiting acme \/ main +period 2026-11, day 2026-11-25: due at 2026-11-25T09:00:00\.000Z/)
      const badHour = await simopt(env, ['provider', 'set', '--tenant', 'acme', '--name', 'main', '--schedule-start-hour', '24'])
      assert.equal(badHour.code, 2)
      assert.match(badHour.stderr, /option --schedule-start-hour: /)
      // Continuous runs on the last day: every hour from the start hour is a run of its own.
      await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--continuous-last-day'])
      assert.match((await simoptOk(env, ['tenant', 'show', '--tenant', 'acme'])).stdout, /last day +a scheduled session every hour/)
      assert.match((await simoptOk(env, ['schedule', '--dry-run', '--at', '2026-11-30T15:30:00Z'])).stdout, /start +acme \/ main +period 2026-11, last day, hour 2026-11-30 15:00\+00:00 \(due since 2026-11-30T15:00:00\.000Z, UTC\)/)
      assert.match((await simoptOk(env, ['schedule', '--dry-run', '--at', '2026-11-29T15:30:00Z'])).stdout, /start +acme \/ main +period 2026-11, day 2026-11-29 \(due since 2026-11-29T09:00:00\.000Z, UTC\)/)
      await simoptOk(env, ['provider', 'set', '--tenant', 'acme', '--name', 'main', '--schedule-start-hour', ''])
      assert.match((await simoptOk(env, ['schedule', '--dry-run', '--at', '2026-11-25T08:59:00Z'])).stdout, /start +acme \/ main +period 2026-11, day 2026-11-25 \(due since 2026-11-25T00:00:00\.000Z/)
      await store.db.updateTable('service_providers').set({ settings: JSON.stringify({ scheduleStartHour: 25 }) }).execute()
      const bad = await simopt(env, ['schedule', '--dry-run', '--at', '2026-11-25T08:59:00Z'])
      assert.equal(bad.code, 2)
      assert.match(bad.stderr, /settings of provider main: scheduleStartHour/)
    } finally {
      await store.close()
    }
  })

  it('refuses a time it cannot read, and --at without --dry-run (exit 2)', async () => {
    const env = sqliteLocal(await tempDir())
    for (const at of ['yesterday', '2026-11-25', '2026-11-25T09:00:00', '2026-13-45T99:00:00Z']) {
      const run = await simopt(env, ['schedule', '--dry-run', '--at', at])
      assert.equal(run.code, 2, at)
      assert.match(run.stderr, /option --at: /)
    }
    const run = await simopt(env, ['schedule', '--at', '2026-11-25T09:00:00Z'])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /option --at: only with --dry-run/)
  })

  it('starts the due sessions once a day, and skips a tenant whose session still runs', async () => {
    const env = sqliteLocal(await tempDir())
    // A cycle that ends tomorrow at 23:00 UTC puts now in the last two days of the period, whatever the date.
    const now = new Date()
    const period = now.toISOString().slice(0, 7)
    const cycle = cycleEndingTomorrowArgs(now)
    await simoptOk(env, [...importArgs(FILES, period), ...cycle])
    await simoptOk(env, [...importArgs(FILES, period).map((arg) => (arg === 'main' ? 'second' : arg)), ...cycle])
    const first = await simoptOk(env, ['schedule'])
    assert.match(first.stdout, /^ {2}started acme \/ main +period \d{4}-\d{2}, day [\d-]+: session [0-9a-f-]{36}$/m)
    assert.match(first.stdout, /^ {2}skip +acme \/ second .*: provider main of tenant acme starts first/m)
    // No worker runs: the session stays pending, so the tenant is busy and main has had its run today.
    const second = await simoptOk(env, ['schedule'])
    assert.match(second.stdout, /^ {2}ran +acme \/ main .*: session [0-9a-f-]{36}$/m)
    assert.match(second.stdout, /^ {2}skip +acme \/ second .*: session [0-9a-f-]{36} of tenant acme is still running$/m)
    // Each day's outcome is recorded: the session started, or how often and why the day was skipped.
    const history = (await simoptOk(env, ['schedule', '--history'])).stdout
    assert.match(history, /^ {2}[\d-]+ {2}acme \/ main {2}period \d{4}-\d{2}: started session [0-9a-f-]{36}$/m)
    assert.match(history, /^ {2}[\d-]+ {2}acme \/ second {2}period \d{4}-\d{2}: skipped 2 times: session [0-9a-f-]{36} of tenant acme is still running$/m)
    const store = storeFor(env)
    try {
      const sessions = await store.db.selectFrom('sessions').select(['trigger', 'status']).execute()
      assert.deepEqual(sessions, [{ trigger: 'schedule', status: 'pending' }])
    } finally {
      await store.close()
    }
  })
})
