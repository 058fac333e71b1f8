/** Customers, their SIMs and the customer price sheet in the database (issue 20), on both databases. */
import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { findTenant, listCustomers, loadCustomerSheet, openStore } from '../../src/store/index.js'
import { EXAMPLES } from '../helpers/paths.js'
import { freshPostgresDatabase } from '../helpers/services.js'
import { simopt, simoptOk, sqliteLocal, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const CUSTOMERS = path.join(EXAMPLES, 'customers')

const BACKENDS: { name: string; env: (t: TestContext, folder: string) => Promise<ServiceEnv | undefined> }[] = [
  { name: 'SQLite', env: async (_t, folder) => sqliteLocal(folder) },
  {
    name: 'PostgreSQL',
    env: async (t, folder) => {
      const url = await freshPostgresDatabase(t)
      return url === undefined ? undefined : { ...sqliteLocal(folder), SIMOPT_DATABASE_URL: url }
    },
  },
]

for (const backend of BACKENDS) {
  describe(`customers on ${backend.name}`, () => {
    it('are imported with their SIMs and plans, listed, re-imported whole, and priced with the stored usage', async (t) => {
      const folder = await tempDir()
      const env = await backend.env(t, folder)
      if (env === undefined) return
      await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', '2026-11', '--plans', path.join(EXAMPLES, 'plans.csv'), '--comm-plans', path.join(EXAMPLES, 'comm_plans.csv'), '--pools', path.join(EXAMPLES, 'pools.csv'), '--sims', path.join(EXAMPLES, 'sims.csv')])
      const imported = await simoptOk(env, ['customers', 'import', '--tenant', 'acme', '--customer-plans', path.join(CUSTOMERS, 'customer_plans.csv'), '--customer-pools', path.join(CUSTOMERS, 'customer_pools.csv'), '--customers', path.join(CUSTOMERS, 'customer_sims.csv')])
      assert.equal(imported.stdout, 'imported 1,200 SIMs of 6 customers (6 new) and 9 customer rate plans for tenant acme\n')
      const list = await simoptOk(env, ['customers', 'list', '--tenant', 'acme'])
      assert.match(list.stdout, /^customer\s+name\s+SIMs\n/)
      assert.match(list.stdout, /^CUST-001\s+Acme Logistics\s+200$/m)
      assert.equal(list.stdout.trim().split('\n').length, 7)

      // A second import replaces the memberships whole: CUST-006 loses its SIMs but stays, with its name.
      const fewer = path.join(folder, 'fewer.csv')
      const lines = (await readFile(path.join(CUSTOMERS, 'customer_sims.csv'), 'utf8')).trim().split('\n')
      await writeFile(fewer, `${[lines[0], ...lines.slice(1).filter((line) => !line.includes('CUST-006'))].join('\n')}\n`)
      await simoptOk(env, ['customers', 'import', '--tenant', 'acme', '--customer-plans', path.join(CUSTOMERS, 'customer_plans.csv'), '--customer-pools', path.join(CUSTOMERS, 'customer_pools.csv'), '--customers', fewer])
      assert.match((await simoptOk(env, ['customers', 'list', '--tenant', 'acme'])).stdout, /^CUST-006\s+Fjord Security\s+0$/m)

      const store = openStore(env.SIMOPT_DATABASE_URL!)
      try {
        const tenant = (await findTenant(store.db, 'acme'))!
        assert.equal((await listCustomers(store.db, tenant.id)).length, 6)
        const stored = await loadCustomerSheet(store.db, tenant.id, '2026-11', Date.now())
        assert.equal(stored.sheet.sims.length, 1000)
        assert.equal(stored.unpriced, 0)
        assert.equal(stored.usageReadAt, null, 'imported usage was read by no sync')
        // Imported usage is priced as given: the examples' usage of the SIM, on its customer plan.
        const first = stored.sheet.sims.find((sim) => sim.iccid === '8901170000000000001')!
        assert.equal(first.usageMb, 4.336)
        assert.equal(stored.sheet.plans[first.plan]!.code, 'C-SHARE-250MB')
      } finally {
        await store.close()
      }
    })

    it('refuses a SIM that is no device of the tenant, naming file, line and column, and stores nothing', async (t) => {
      const folder = await tempDir()
      const env = await backend.env(t, folder)
      if (env === undefined) return
      await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', '2026-11', '--plans', path.join(EXAMPLES, 'plans.csv'), '--comm-plans', path.join(EXAMPLES, 'comm_plans.csv'), '--pools', path.join(EXAMPLES, 'pools.csv'), '--sims', path.join(EXAMPLES, 'sims.csv')])
      const bad = path.join(folder, 'customer_sims.csv')
      await writeFile(bad, 'customer,iccid,customer_plan\nX,8901170000000000001,C-PAYG\nX,8999999999999999999,C-PAYG\n')
      const run = await simopt(env, ['customers', 'import', '--tenant', 'acme', '--customer-plans', path.join(CUSTOMERS, 'customer_plans.csv'), '--customers', bad])
      assert.equal(run.code, 2)
      assert.equal(run.stderr, 'simopt: customer_sims.csv, line 3, column 2 (iccid): SIM 8999999999999999999 is not a device of any provider of tenant acme\n')
      const usage = path.join(folder, 'with-usage.csv')
      await writeFile(usage, 'iccid,customer,customer_plan,usage_mb\n8901170000000000001,X,C-PAYG,3\n')
      const refused = await simopt(env, ['customers', 'import', '--tenant', 'acme', '--customer-plans', path.join(CUSTOMERS, 'customer_plans.csv'), '--customers', usage])
      assert.equal(refused.stderr, 'simopt: with-usage.csv, line 1, column 4 (usage_mb): an import prices the usage of the last carrier sync; remove the column\n')
      assert.equal((await simoptOk(env, ['customers', 'list', '--tenant', 'acme'])).stdout.trim(), 'customer  name  SIMs')
      const missing = await simopt(env, ['customers', 'list', '--tenant', 'nobody'])
      assert.equal(missing.code, 2)
      assert.match(missing.stderr, /tenant "nobody" does not exist/)
      assert.ok((await readdir(folder)).length > 0)
    })
  })
}
