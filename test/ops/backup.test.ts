/** `simopt backup` and `simopt restore` on both databases: back up, change the data, restore, compare. */
import assert from 'node:assert/strict'
import { stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import type { Store } from '../../src/store/database.js'
import { EXAMPLES } from '../helpers/paths.js'
import { freshPostgresDatabase } from '../helpers/services.js'
import { importArgs, simopt, simoptOk, sqliteLocal, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const FILES = { plans: path.join(EXAMPLES, 'plans.csv'), pools: path.join(EXAMPLES, 'pools.csv'), commPlans: path.join(EXAMPLES, 'comm_plans.csv'), sims: path.join(EXAMPLES, 'sims.csv') }

/** What a restore must bring back: the tenants with their settings, the price sheet, the fleet and its usage. */
async function contents(store: Store): Promise<unknown> {
  const { db } = store
  const count = async (table: 'devices' | 'usage_readings' | 'billing_periods' | 'service_providers') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  return {
    tenants: await db.selectFrom('tenants').select(['id', 'name', 'settings']).orderBy('name').execute(),
    plans: await db.selectFrom('rate_plans').selectAll().orderBy('provider_id').orderBy('position').execute(),
    devices: await count('devices'),
    usage: await count('usage_readings'),
    periods: await count('billing_periods'),
    providers: await count('service_providers'),
    usageSum: Number((await db.selectFrom('usage_readings').select((eb) => eb.fn.sum<number>('usage_mb').as('mb')).executeTakeFirstOrThrow()).mb),
  }
}

type Backend = { name: string; env: (t: TestContext, folder: string) => Promise<ServiceEnv | undefined> }

const BACKENDS: readonly Backend[] = [
  { name: 'SQLite', env: async (_t, folder) => sqliteLocal(folder) },
  {
    name: 'PostgreSQL',
    env: async (t) => {
      const url = await freshPostgresDatabase(t)
      return url === undefined ? undefined : { SIMOPT_DATABASE_URL: url, SIMOPT_QUEUE: 'local' }
    },
  },
]

describe('backup and restore', () => {
  for (const backend of BACKENDS) {
    it(`bring back the data as it was at the backup, on ${backend.name}`, async (t) => {
      const folder = await tempDir()
      const env = await backend.env(t, folder)
      if (env === undefined) return
      await simoptOk(env, importArgs(FILES))
      await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'before@acme.example'])
      const store = storeFor(env)
      try {
        const before = await contents(store)
        const file = path.join(folder, 'simopt.backup')
        // The database stays open (this test's own connection) while the backup runs.
        const backup = await simoptOk(env, ['backup', file])
        assert.match(backup.stdout, /^backed up .* to .*simopt\.backup \([\d,]+ bytes\)$/m)
        assert.ok((await stat(file)).size > 0)

        await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'after@acme.example'])
        await simoptOk(env, [...importArgs(FILES, '2026-12').map((arg) => (arg === 'acme' ? 'beta' : arg))])
        await store.db.deleteFrom('usage_readings').where('usage_mb', '>', 10).execute()
        assert.notDeepEqual(await contents(store), before)

        // A worker holding a job: the database is in use, and restore leaves it alone.
        const now = Date.now()
        await store.db.insertInto('jobs').values({ id: 'held', type: 'deliver-message', payload: '{"entityId":"x"}', status: 'active', attempts: 1, run_after: now, locked_by: 'w', locked_until: now + 60_000, last_error: null, created_at: now, updated_at: now }).execute()
        const refused = await simopt(env, ['restore', file])
        assert.equal(refused.code, 2)
        assert.match(refused.stderr, /in use: workers hold 1 jobs/)
        await store.db.deleteFrom('jobs').where('id', '=', 'held').execute()

        const restore = await simoptOk(env, ['restore', file])
        assert.match(restore.stdout, /^restored /)
        assert.deepEqual(await contents(store), before)
        // The restored database is a working one: the next command uses it.
        assert.match((await simoptOk(env, ['tenant', 'show', '--tenant', 'acme'])).stdout, /before@acme\.example/)
      } finally {
        await store.close()
      }
    })
  }

  it('refuse a missing file, a file that is no backup, a backup of the other database and a missing folder (exit 2)', async () => {
    const folder = await tempDir()
    const env = sqliteLocal(folder)
    await simoptOk(env, ['db', 'migrate'])
    const missing = await simopt(env, ['restore', path.join(folder, 'nope.backup')])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /cannot read backup file .*nope\.backup: no such file/)

    const text = path.join(folder, 'notes.txt')
    await writeFile(text, 'not a database at all')
    const foreign = await simopt(env, ['restore', text])
    assert.equal(foreign.code, 2)
    assert.match(foreign.stderr, /notes\.txt is not a simopt backup/)

    const dump = path.join(folder, 'pg.backup')
    await writeFile(dump, Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(100)]))
    const other = await simopt(env, ['restore', dump])
    assert.equal(other.code, 2)
    assert.match(other.stderr, /is a backup of a PostgreSQL database; SIMOPT_DATABASE_URL is an SQLite database/)

    const itself = await simopt(env, ['backup', path.join(folder, 'simopt.db')])
    assert.equal(itself.code, 2)
    assert.match(itself.stderr, /is the database itself/)

    const nowhere = await simopt(env, ['backup', path.join(folder, 'no', 'such', 'folder', 'x.backup')])
    assert.equal(nowhere.code, 2)
    assert.match(nowhere.stderr, /folder .* does not exist/)
  })
})
