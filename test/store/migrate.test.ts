import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { billingPeriod } from '../../src/domain/index.js'
import { openStore, type Store } from '../../src/store/database.js'
import { migrate } from '../../src/store/migrate.js'
import { freshPostgresDatabase } from '../helpers/services.js'
import { tempDir } from '../helpers/temp-dir.js'

async function checkMigrations(store: Store): Promise<void> {
  try {
    assert.deepEqual(await migrate(store), ['0001-initial', '0002-provider-credentials', '0003-sync', '0004-reports-and-outbox', '0005-rate-plan-changes', '0006-api-keys', '0007-schedule-runs', '0008-schedule-slots', '0009-cycle-end-day', '0010-unpriced-sims', '0011-optimizer-info', '0012-usage-read-at', '0013-mobility', '0014-change-attribution', '0015-telegence-feed', '0016-customers'])
    assert.deepEqual(await migrate(store), [], 'a second run has nothing to do')
    // The schema takes what the service writes: a tenant, a provider, and a state transition with its sequence.
    await store.db.insertInto('tenants').values({ id: 't', name: 'acme', created_at: 1 }).execute()
    await store.db.insertInto('state_transitions').values([1, 2].map((at) => ({ entity: 'session', entity_id: 's', from_status: null, to_status: 'pending', message: null, at }))).execute()
    const seqs = await store.db.selectFrom('state_transitions').select('seq').orderBy('seq').execute()
    assert.equal(seqs.length, 2)
    assert.ok(seqs[0]!.seq < seqs[1]!.seq)
    await assert.rejects(store.db.insertInto('tenants').values({ id: 'u', name: 'acme', created_at: 1 }).execute(), 'tenant names are unique')
    // Tenants have settings from the start, and the outbox keeps a message's bytes as they are.
    assert.equal((await store.db.selectFrom('tenants').select('settings').executeTakeFirstOrThrow()).settings, '{}')
    const body = Buffer.from([0, 255, 13, 10, 65])
    await store.db
      .insertInto('outbox')
      .values({ id: 'm', tenant_id: 't', session_id: null, channel: 'email', kind: 'results', recipient: 'a@b.example', subject: 's', body, seq: 1, status: 'pending', attempts: 0, error: null, created_at: 1, updated_at: 1, sent_at: null })
      .execute()
    assert.deepEqual(Buffer.from((await store.db.selectFrom('outbox').select('body').executeTakeFirstOrThrow()).body), body)
  } finally {
    await store.close()
  }
}

describe('database migrations', () => {
  it('bring an empty SQLite database up to date, once', async () => {
    await checkMigrations(openStore(`sqlite:${path.join(await tempDir(), 'nested', 'simopt.db')}`))
  })

  it('bring an empty PostgreSQL database up to date, once', async (t) => {
    const url = await freshPostgresDatabase(t)
    if (url === undefined) return
    await checkMigrations(openStore(url))
  })

  it('move each provider\'s cycle end day to the day its cycle now ends on, so its periods stay the same', async () => {
    const store = openStore(`sqlite:${path.join(await tempDir(), 'simopt.db')}`)
    try {
      await migrate(store, '0008-schedule-slots')
      await store.db.insertInto('tenants').values({ id: 't', name: 'acme', created_at: 1 }).execute()
      // [stored day (its cycle's last day), the day it becomes, period 2026-11 as it was and stays]
      const cases = [
        [0, 0, '2026-11-01T00:00:00.000Z 2026-12-01T00:00:00.000Z'],
        [1, 2, '2026-10-02T00:00:00.000Z 2026-11-02T00:00:00.000Z'],
        [19, 20, '2026-10-20T00:00:00.000Z 2026-11-20T00:00:00.000Z'],
        [30, 31, '2026-10-31T00:00:00.000Z 2026-12-01T00:00:00.000Z'],
        [31, 0, '2026-11-01T00:00:00.000Z 2026-12-01T00:00:00.000Z'],
      ] as const
      await store.db
        .insertInto('service_providers')
        .values(cases.map(([day]) => ({ id: `p${day}`, tenant_id: 't', name: `p${day}`, integration: 'files', time_zone: 'UTC', cycle_end_day: day, cycle_end_hour: 0, settings: '{}', created_at: 1 })))
        .execute()
      assert.deepEqual(await migrate(store), ['0009-cycle-end-day', '0010-unpriced-sims', '0011-optimizer-info', '0012-usage-read-at', '0013-mobility', '0014-change-attribution', '0015-telegence-feed', '0016-customers'])
      for (const [before, after, bounds] of cases) {
        const row = await store.db.selectFrom('service_providers').select('cycle_end_day').where('id', '=', `p${before}`).executeTakeFirstOrThrow()
        assert.equal(row.cycle_end_day, after, `stored day ${before}`)
        const period = billingPeriod('2026-11', { timeZone: 'UTC', cycleEndDay: after, cycleEndHour: 0 })
        assert.equal(`${new Date(period.start).toISOString()} ${new Date(period.end).toISOString()}`, bounds, `stored day ${before}`)
      }
    } finally {
      await store.close()
    }
  })

  it('keep the saving of a change planned, or a result optimized, before savings were attributed as its own saving, with no pool effect', async () => {
    const store = openStore(`sqlite:${path.join(await tempDir(), 'simopt.db')}`)
    try {
      await migrate(store, '0012-usage-read-at')
      // The change alone is what the migration reads: its session, instance and provider would only be noise.
      await sql`pragma foreign_keys = off`.execute(store.db)
      await store.db.insertInto('changes').values({ instance_id: 'i', iccid: '8901', old_plan: 'A', new_plan: 'B', saving: 1.25, status: 'planned', updated_at: 1 }).execute()
      const result = { instance_id: 'i', comm_plan: 'CP', raw_usage_mb: 1, usage_mb: 1, monthly_before: 5, overage_before: 2, sms_before: 0.5, monthly_after: 4, overage_after: 1.5, sms_after: 0.75 }
      await store.db.insertInto('results').values([
        { ...result, iccid: '8901', current_plan: 'A', new_plan: 'B' },
        { ...result, iccid: '8902', current_plan: 'A', new_plan: 'A' },
      ]).execute()
      await migrate(store)
      const row = await store.db.selectFrom('changes').select(['saving', 'own_saving', 'pool_effect']).executeTakeFirstOrThrow()
      assert.deepEqual(row, { saving: 1.25, own_saving: 1.25, pool_effect: 0 })
      const results = await store.db.selectFrom('results').select(['iccid', 'own_saving', 'pool_effect']).orderBy('iccid').execute()
      assert.deepEqual(results, [{ iccid: '8901', own_saving: 1.25, pool_effect: 0 }, { iccid: '8902', own_saving: 0, pool_effect: 0 }])
    } finally {
      await store.close()
    }
  })
})
