import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { openStore, type Store } from '../../src/store/database.js'
import { migrate } from '../../src/store/migrate.js'
import { removeOldRecords, retentionDaysMs } from '../../src/store/retention.js'
import { freshPostgresDatabase } from '../helpers/services.js'
import { tempDir } from '../helpers/temp-dir.js'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 1)
const OLD = NOW - 100 * DAY
const RECENT = NOW - 10 * DAY
const SIMS = 23
/** Bytes of a component's problem snapshot until it is solved. */
const SNAPSHOT_BYTES = 1000
const FINISHED = ['done', 'failed', 'cancelled']

/**
 * A session with one instance, one component and history in every table retention touches. The component
 * is solved (its snapshot emptied) when the session is done; otherwise it still holds its snapshot.
 */
async function seedSession(store: Store, id: string, status: string, at: number): Promise<void> {
  const { db } = store
  const instance = `${id}-i`
  await db
    .insertInto('sessions')
    .values({ id, tenant_id: 't', provider_id: 'p', period_id: 'pe', type: 'carrier', trigger: 'manual', status, message: null, attempt: 1, running_key: FINISHED.includes(status) ? null : `t/${id}`, created_at: at, updated_at: at, finished_at: FINISHED.includes(status) ? at : null })
    .execute()
  await db.insertInto('instances').values({ id: instance, session_id: id, provider_id: 'p', period_id: 'pe', status, message: null, sims: SIMS, component_count: 1, components_done: 1, cost_before: 2, cost_after: 1, lower_bound: 1, baseline_cost: 2, changes: SIMS, created_at: at, updated_at: at, finished_at: at }).execute()
  await insertComponent(store, `${id}-c`, instance, status, at)
  const iccids = Array.from({ length: SIMS }, (_, i) => `8901${String(i).padStart(6, '0')}`)
  await db.insertInto('results').values(iccids.map((iccid) => ({ instance_id: instance, iccid, comm_plan: 'C', current_plan: 'A', new_plan: 'B', raw_usage_mb: 1, usage_mb: 1, monthly_before: 1, overage_before: 0, sms_before: 0, monthly_after: 1, overage_after: 0, sms_after: 0 }))).execute()
  await db.insertInto('changes').values(iccids.map((iccid) => ({ instance_id: instance, iccid, old_plan: 'A', new_plan: 'B', saving: 1, status: 'verified', updated_at: at, approved_by: null, approved_at: null, pushed_at: null, answer: null, verified_at: null, found_plan: null }))).execute()
  const figures = { sims_before: 1, usage_mb_before: 1, allowance_mb_before: 1, monthly_before: 1, overage_before: 0, sms_before: 0, sims_after: 1, usage_mb_after: 1, allowance_mb_after: 1, monthly_after: 1, overage_after: 0, sms_after: 0 }
  await db.insertInto('plan_totals').values(['A', 'B', 'C'].map((name) => ({ component_id: `${id}-c`, instance_id: instance, kind: 'plan' as const, name, pool: null, ...figures }))).execute()
  await db.insertInto('state_transitions').values([id, id, instance].map((entityId) => ({ entity: entityId === id ? 'session' : 'instance', entity_id: entityId, from_status: null, to_status: status, message: null, at }))).execute()
  await db.insertInto('audit_log').values([1, 2].map((n) => ({ at, actor: 'system', action: 'push', session_id: id, instance_id: instance, iccid: iccids[n]!, detail: '{}' }))).execute()
  // Some pipeline events name only the instance (a push stopped, say).
  await db.insertInto('audit_log').values({ at, actor: 'system', action: 'push-stopped', session_id: null, instance_id: instance, iccid: null, detail: '{}' }).execute()
  await db.insertInto('outbox').values({ id: `${id}-m`, tenant_id: 't', session_id: id, channel: 'email', kind: 'results', recipient: 'ops@acme.example', subject: 's', body: Buffer.from('x'), seq: 1, status: 'sent', attempts: 1, error: null, created_at: at, updated_at: at, sent_at: at }).execute()
}

async function insertComponent(store: Store, id: string, instanceId: string, status: string, at: number): Promise<void> {
  const snapshot = status === 'done' ? Buffer.alloc(0) : Buffer.alloc(SNAPSHOT_BYTES, 7)
  await store.db.insertInto('components').values({ id, instance_id: instanceId, position: 0, sims: SIMS, status, snapshot, cost_before: 2, cost_after: 1, lower_bound: 1, baseline_cost: 2, changes: SIMS, seconds: 1, finished_at: at }).execute()
}

/** More than a batch of old rows each: the schedule's record of OLD_DAYS days and audit rows of no session (settings, API keys), and one recent of each. */
const OLD_DAYS = 7
async function seedScheduleAndAudit(store: Store): Promise<void> {
  const old = Array.from({ length: OLD_DAYS }, (_, i) => ({ slot: `2026-08-${String(i + 1).padStart(2, '0')}`, at: OLD - i * DAY }))
  const run = (slot: string, at: number) => ({ provider_id: 'p', slot, period: '2026-08', outcome: 'started' as const, reason: null, session_id: null, updated_at: at })
  await store.db.insertInto('schedule_runs').values([...old.map(({ slot, at }) => run(slot, at)), run('2026-11-21', RECENT)]).execute()
  const event = (action: string, at: number) => ({ at, actor: 'cli:ops', action, session_id: null, instance_id: null, iccid: null, detail: '{}' })
  await store.db.insertInto('audit_log').values([...old.map(({ at }, i) => event(i % 2 === 0 ? 'settings-approved' : 'api-key-created', at)), event('api-key-revoked', RECENT)]).execute()
}

async function seedJobsAndMessages(store: Store): Promise<void> {
  const job = (id: string, status: string, at: number) => ({ id, type: 'deliver-message', payload: '{"entityId":"x"}', status, attempts: 1, run_after: at, locked_by: null, locked_until: null, last_error: null, created_at: at, updated_at: at })
  await store.db.insertInto('jobs').values([job('old-done', 'done', OLD), job('old-failed', 'failed', OLD), job('old-queued', 'queued', OLD), job('recent-done', 'done', RECENT)]).execute()
  const message = (id: string, status: 'sent' | 'pending' | 'failed' | 'unaddressed', at: number) => ({ id, tenant_id: 't', session_id: null, channel: 'email' as const, kind: 'results', recipient: '', subject: null, body: Buffer.from('x'), seq: 1, status, attempts: 0, error: null, created_at: at, updated_at: at, sent_at: null })
  await store.db.insertInto('outbox').values([message('old-failed-m', 'failed', OLD), message('old-pending-m', 'pending', OLD), message('old-unaddressed-m', 'unaddressed', OLD), message('recent-sent-m', 'sent', RECENT)]).execute()
}

async function count(store: Store, table: 'results' | 'changes' | 'plan_totals' | 'state_transitions' | 'audit_log' | 'jobs' | 'outbox', column: string, values: readonly string[]): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column as never, 'in', values as never)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function checkRetention(store: Store): Promise<void> {
  try {
    await migrate(store)
    await store.db.insertInto('tenants').values({ id: 't', name: 'acme', created_at: OLD }).execute()
    await store.db.insertInto('service_providers').values({ id: 'p', tenant_id: 't', name: 'main', integration: 'files', time_zone: 'UTC', cycle_end_day: 0, cycle_end_hour: 0, settings: '{}', base_url: null, credentials: null, devices_synced_till: null, created_at: OLD }).execute()
    await store.db.insertInto('billing_periods').values({ id: 'pe', provider_id: 'p', name: '2026-08', starts_at: OLD, ends_at: OLD + DAY }).execute()
    await seedSession(store, 'old', 'done', OLD)
    await seedSession(store, 'recent', 'done', RECENT)
    // Started long ago and still running (stuck): nothing of it goes until it ends.
    await seedSession(store, 'stuck', 'optimizing', OLD)
    // Failed with components never solved: their snapshots are all that is bulky of them.
    await seedSession(store, 'failed-old', 'failed', OLD)
    await insertComponent(store, 'failed-old-c2', 'failed-old-i', 'done', OLD)
    await insertComponent(store, 'failed-old-c3', 'failed-old-i', 'pending', OLD)
    await seedSession(store, 'failed-recent', 'failed', RECENT)
    // Cleaned by a version that kept snapshots: no history left, the snapshot still there.
    await store.db.insertInto('sessions').values({ id: 'cleaned', tenant_id: 't', provider_id: 'p', period_id: 'pe', type: 'carrier', trigger: 'manual', status: 'cancelled', message: null, attempt: 1, running_key: null, created_at: OLD, updated_at: OLD, finished_at: OLD }).execute()
    await store.db.insertInto('instances').values({ id: 'cleaned-i', session_id: 'cleaned', provider_id: 'p', period_id: 'pe', status: 'cancelled', message: null, sims: SIMS, component_count: 1, components_done: 0, cost_before: null, cost_after: null, lower_bound: null, baseline_cost: null, changes: null, created_at: OLD, updated_at: OLD, finished_at: OLD }).execute()
    await insertComponent(store, 'cleaned-c', 'cleaned-i', 'pending', OLD)
    await seedJobsAndMessages(store)
    await seedScheduleAndAudit(store)

    // Batches of 5 rows: 23 results take 5 statements, the last one short.
    const counts = await removeOldRecords(store, { olderThanMs: retentionDaysMs(90), now: NOW, batchRows: 5 })
    assert.deepEqual(counts, { results: 2 * SIMS, plan_totals: 6, changes: 2 * SIMS, snapshots: 3, state_transitions: 6, audit_log: 6 + OLD_DAYS, jobs: 2, outbox: 3, schedule_runs: OLD_DAYS })

    for (const [table, column] of [['results', 'instance_id'], ['changes', 'instance_id'], ['plan_totals', 'instance_id']] as const) {
      assert.equal(await count(store, table, column, ['old-i', 'failed-old-i']), 0, `${table} of the old sessions are gone`)
      assert.equal(await count(store, table, column, ['recent-i', 'stuck-i', 'failed-recent-i']), table === 'plan_totals' ? 9 : 3 * SIMS, `${table} of the recent and the running sessions stay`)
    }
    assert.equal(await count(store, 'state_transitions', 'entity_id', ['old', 'old-i', 'failed-old', 'failed-old-i']), 0)
    assert.equal(await count(store, 'state_transitions', 'entity_id', ['recent', 'recent-i', 'stuck', 'stuck-i', 'failed-recent', 'failed-recent-i']), 9)
    const audit = (await store.db.selectFrom('audit_log').select(['session_id', 'instance_id', 'action']).execute()).map((row) => `${row.session_id ?? row.instance_id ?? '-'} ${row.action}`).sort()
    const kept = ['- api-key-revoked', 'failed-recent push', 'failed-recent push', 'failed-recent-i push-stopped', 'recent push', 'recent push', 'recent-i push-stopped', 'stuck push', 'stuck push', 'stuck-i push-stopped']
    assert.deepEqual(audit, kept, 'audit rows of recent and running sessions (by session or instance) and recent ones of no session stay')
    // The components stay with their figures; only the old failed session's unsolved ones lose their snapshot.
    const components = await store.db.selectFrom('components').select(['id', 'snapshot', 'cost_after']).orderBy('id').execute()
    assert.deepEqual(
      components.map((row) => [row.id, row.snapshot.length, row.cost_after]),
      [
        ['cleaned-c', 0, 1],
        ['failed-old-c', 0, 1],
        ['failed-old-c2', 0, 1],
        ['failed-old-c3', 0, 1],
        ['failed-recent-c', SNAPSHOT_BYTES, 1],
        ['old-c', 0, 1],
        ['recent-c', 0, 1],
        ['stuck-c', SNAPSHOT_BYTES, 1],
      ],
    )
    assert.deepEqual(
      (await store.db.selectFrom('schedule_runs').select(['provider_id', 'updated_at']).execute()).map((row) => [row.provider_id, row.updated_at]),
      [['p', RECENT]],
      'the schedule’s recent record stays',
    )
    const jobs = (await store.db.selectFrom('jobs').select('id').execute()).map((row) => row.id).sort()
    assert.deepEqual(jobs, ['old-queued', 'recent-done'], 'queued jobs and recent ones stay')
    const messages = (await store.db.selectFrom('outbox').select('id').execute()).map((row) => row.id).sort()
    assert.deepEqual(messages, ['failed-recent-m', 'old-pending-m', 'old-unaddressed-m', 'recent-m', 'recent-sent-m', 'stuck-m'], 'messages still waiting, recent ones and a running session’s stay')
    // Sessions and instances stay, with their figures: the history of savings survives.
    assert.equal((await store.db.selectFrom('instances').select('cost_after').where('id', '=', 'old-i').executeTakeFirstOrThrow()).cost_after, 1)

    assert.deepEqual(await removeOldRecords(store, { olderThanMs: retentionDaysMs(90), now: NOW }), { results: 0, plan_totals: 0, changes: 0, snapshots: 0, state_transitions: 0, audit_log: 0, jobs: 0, outbox: 0, schedule_runs: 0 }, 'a second run finds nothing')
  } finally {
    await store.close()
  }
}

describe('retention', () => {
  it('removes the old history of finished sessions in batches, on SQLite', async () => {
    await checkRetention(openStore(`sqlite:${path.join(await tempDir(), 'simopt.db')}`))
  })

  it('removes the old history of finished sessions in batches, on PostgreSQL', async (t) => {
    const url = await freshPostgresDatabase(t)
    if (url === undefined) return
    await checkRetention(openStore(url))
  })
})
