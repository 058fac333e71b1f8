/**
 * The account routes answer with the precise code of what went wrong (not INPUT_INVALID for everything), and
 * the command line and the API change a provider through the one service: what one sets, the other shows.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addProvider, listProviders } from '../../src/services/accounts.service.js'
import { call, serviceAdminKey, startApiServer, tenantKeys } from '../helpers/api-server.js'

const server = await startApiServer()
const acme = await tenantKeys(server.store, 'acme')
const globex = await tenantKeys(server.store, 'globex')
const root = await serviceAdminKey(server.store)
const ctx = { store: server.store, config: server.config, queue: () => server.queue }

describe('account routes answer precise codes', () => {
  const cases: readonly { what: string; method: string; route: string; key: () => string; body?: unknown; status: number; code: string; field?: string }[] = [
    { what: "another tenant's providers", method: 'GET', route: '/api/tenants/acme/providers', key: () => globex.viewer, status: 404, code: 'TENANT_NOT_FOUND' },
    { what: 'a tenant that does not exist', method: 'GET', route: '/api/tenants/nobody/schedule', key: () => root, status: 404, code: 'TENANT_NOT_FOUND' },
    { what: 'a provider that does not exist', method: 'PATCH', route: '/api/tenants/acme/providers/ghost', key: () => acme.admin, body: { prorate: true }, status: 404, code: 'PROVIDER_NOT_FOUND' },
    { what: 'a tenant made twice', method: 'POST', route: '/api/tenants', key: () => root, body: { name: 'globex' }, status: 409, code: 'ALREADY_EXISTS' },
    { what: "a tenant's administrator making a tenant", method: 'POST', route: '/api/tenants', key: () => acme.admin, body: { name: 'initech' }, status: 403, code: 'FORBIDDEN' },
    { what: 'a key that does not exist', method: 'DELETE', route: `/api/api-keys/${crypto.randomUUID()}`, key: () => root, status: 404, code: 'API_KEY_NOT_FOUND' },
    { what: 'a service-wide viewer key', method: 'POST', route: '/api/api-keys', key: () => root, body: { name: 'v', role: 'viewer' }, status: 400, code: 'INPUT_INVALID', field: 'body/tenant' },
    { what: 'a jasper account without its key', method: 'POST', route: '/api/tenants/acme/providers', key: () => acme.admin, body: { name: 'j', url: 'https://restapi1.jasper.example', user: 'u' }, status: 400, code: 'INPUT_INVALID', field: 'body/apiKey' },
  ]
  for (const test of cases) {
    it(`${test.what}: ${test.status} ${test.code}`, async () => {
      const answer = await call(server, test.method, test.route, { key: test.key(), body: test.body })
      assert.equal(answer.status, test.status, JSON.stringify(answer.body))
      assert.equal(answer.body.code, test.code)
      if (test.field !== undefined) assert.equal(answer.body.field, test.field)
    })
  }

  it('a key revoked twice: 409 STATE_CONFLICT', async () => {
    const made = await call(server, 'POST', '/api/api-keys', { key: acme.admin, body: { name: 'once', role: 'viewer' } })
    assert.equal(made.status, 201, JSON.stringify(made.body))
    assert.equal((await call(server, 'DELETE', `/api/api-keys/${made.body.id}`, { key: acme.admin })).status, 200)
    const again = await call(server, 'DELETE', `/api/api-keys/${made.body.id}`, { key: acme.admin })
    assert.deepEqual([again.status, again.body.code], [409, 'STATE_CONFLICT'])
  })
})

describe('one service for the command line and the API', () => {
  it('a provider added as the command line does (tenant made, option names) is changed and listed by the API', async () => {
    const names = { url: 'option --url', user: 'option --user', apiKey: 'option --api-key', timeZone: 'option --time-zone' }
    await assert.rejects(addProvider(ctx, { tenant: 'hooli', name: 'main', integration: 'jasper', createTenant: true }, undefined, names), /option --url is required for a jasper provider/)
    await addProvider(ctx, { tenant: 'hooli', name: 'main', integration: 'files', createTenant: true, cycleEndDay: 19 }, undefined, names)
    await assert.rejects(addProvider(ctx, { tenant: 'hooli', name: 'main', integration: 'files', createTenant: true }, undefined, names), (error: { code?: string }) => error.code === 'ALREADY_EXISTS')
    const patched = await call(server, 'PATCH', '/api/tenants/hooli/providers/main', { key: root, body: { prorate: true, scheduleStartHour: 6 } })
    assert.equal(patched.status, 200, JSON.stringify(patched.body))
    const [listed] = await listProviders(ctx, { tenant: 'hooli' })
    assert.deepEqual([listed?.cycle.cycleEndDay, listed?.settings.prorate, listed?.settings.scheduleStartHour, listed?.hasCredentials], [19, true, 6, false])
    assert.deepEqual(await listProviders(ctx, { tenant: 'not-made-yet' }), [], 'the command line lists none for a tenant not made yet')
  })

  it('documents every account route under its operationId', async () => {
    const docs = await call(server, 'GET', '/docs/json')
    const ids = Object.values(docs.body.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId))
    for (const id of ['listTenants', 'createTenant', 'listProviders', 'createProvider', 'updateProvider', 'getSchedule', 'getCurrentKey', 'listApiKeys', 'createApiKey', 'revokeApiKey']) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`)
    }
  })
})
