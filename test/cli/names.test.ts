import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { isSimoptError } from '../../src/domain/index.js'
import { ensureProvider, ensureTenant } from '../../src/store/accounts.js'
import { call, serviceAdminKey, startApiServer, tenantKeys } from '../helpers/api-server.js'
import { runSimopt } from '../helpers/cli.js'
import { writeFixture } from '../helpers/fixture-files.js'
import { sqliteLocal, storeFor } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const BAD_NAMES: readonly { what: string; name: string; message: RegExp }[] = [
  { what: 'an empty name', name: '', message: /must not be empty/ },
  { what: 'a name of spaces', name: '   ', message: /must not begin or end with a space/ },
  { what: 'a name with a control character', name: 'ac\u0007me', message: /nor hold control characters/ },
  { what: 'a name past 100 characters', name: 'a'.repeat(101), message: /must be at most 100 characters/ },
]

describe('tenant and provider names are checked by one rule: the command line, the API and the store', { concurrency: 2 }, () => {
  it("the command line refuses --tenant '' (and other bad names) with exit 2 and creates no tenant", async () => {
    const folder = await tempDir()
    const env = sqliteLocal(folder)
    const inputs = await writeFixture(path.join(folder, 'in'))
    const set = await runSimopt(['tenant', 'set', '--tenant', ''], { env })
    assert.equal(set.code, 2, set.stderr)
    assert.equal(set.stderr, 'simopt: option --tenant: must not be empty\n')
    const imported = await runSimopt(['import', '--tenant', ' acme', '--provider', 'main', '--period', '2026-11', ...inputs], { env })
    assert.equal(imported.code, 2, imported.stderr)
    assert.equal(imported.stderr, 'simopt: option --tenant: must not begin or end with a space, nor hold control characters\n')
    const provider = await runSimopt(['provider', 'add', '--tenant', 'acme', '--name', '', '--integration', 'files'], { env })
    assert.equal(provider.code, 2, provider.stderr)
    assert.equal(provider.stderr, 'simopt: option --name: must not be empty\n')
    // The database is made by the first command that gets past its options: none did.
    const created = await runSimopt(['db', 'migrate'], { env })
    assert.equal(created.code, 0, created.stderr)
    const store = storeFor(env)
    try {
      assert.deepEqual(await store.db.selectFrom('tenants').select('name').execute(), [])
    } finally {
      await store.close()
    }
  })

  it('the store refuses to create a tenant or a provider with a bad name, whoever asks', async () => {
    const server = await startApiServer()
    for (const bad of BAD_NAMES) {
      await assert.rejects(ensureTenant(server.store.db, bad.name), (error) => isSimoptError(error) && error.code === 'INPUT_INVALID' && /^tenant name /.test(error.message) && bad.message.test(error.message))
    }
    const tenantId = await ensureTenant(server.store.db, 'acme')
    const cycle = { integration: 'files', timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0, settings: {} } as const
    for (const bad of BAD_NAMES) {
      await assert.rejects(ensureProvider(server.store.db, tenantId, bad.name, cycle), (error) => isSimoptError(error) && /^provider name /.test(error.message) && bad.message.test(error.message))
    }
    assert.deepEqual(await server.store.db.selectFrom('tenants').select('name').execute(), [{ name: 'acme' }])
    assert.deepEqual(await server.store.db.selectFrom('service_providers').select('name').execute(), [])
  })

  it('the API refuses the same names with 400, from the same rule', async () => {
    const server = await startApiServer()
    const root = await serviceAdminKey(server.store)
    const keys = await tenantKeys(server.store, 'acme')
    for (const bad of BAD_NAMES) {
      const tenant = await call(server, 'POST', '/api/tenants', { key: root, body: { name: bad.name } })
      assert.equal(tenant.status, 400, `${bad.what}: ${JSON.stringify(tenant.body)}`)
      assert.match(tenant.body.message, /^body\/name /)
      const provider = await call(server, 'POST', '/api/tenants/acme/providers', { key: keys.admin, body: { name: bad.name, integration: 'files' } })
      assert.equal(provider.status, 400, `${bad.what}: ${JSON.stringify(provider.body)}`)
    }
    assert.deepEqual(await server.store.db.selectFrom('tenants').select('name').execute(), [{ name: 'acme' }])
  })
})
