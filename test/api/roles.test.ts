/**
 * Who may do what: every API route refuses a missing or unknown key (401) and a role below its own (403),
 * and lets its role and those above through; a tenant's key never reads another tenant's sessions,
 * results, changes, providers or keys (404, as if they did not exist).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { API_ROLES, createApiKey, type ApiRole } from '../../src/store/api-keys.js'
import { finishedSession, importedFleet } from '../helpers/api-fleet.js'
import { call, serviceAdminKey, startApiServer, tenantKeys, type ApiServer, type KeySet } from '../helpers/api-server.js'

interface RouteCase {
  readonly method: string
  /** The route with the test's ids filled in. */
  readonly path: () => string
  readonly role: ApiRole
  readonly body?: () => unknown
  /** Only a service-wide key may (a tenant's administrator is refused too). */
  readonly serviceWide?: boolean
}

// Set up at the top level: hooks registered by the helpers (`after`) then belong to the whole file.
const server: ApiServer = await startApiServer()
const acme: KeySet = await tenantKeys(server.store, 'acme')
const globex: KeySet = await tenantKeys(server.store, 'globex')
const root = await serviceAdminKey(server.store)
await importedFleet(server, 'acme')
await importedFleet(server, 'globex', 'main', 200, 9)
await server.startWorker()
const acmeSession = await finishedSession(server, acme.operator)
const globexSession = await finishedSession(server, globex.operator)
let counter = 0
/** Keys for the revoke route to revoke, one per call. */
const revocable = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await createApiKey(server.store.db, { tenantId: (await server.store.db.selectFrom('tenants').select('id').where('name', '=', 'acme').executeTakeFirstOrThrow()).id, name: `spare-${i}`, role: 'viewer' })).row.id))

const routes: readonly RouteCase[] = [
  { method: 'GET', path: () => '/api/me', role: 'viewer' },
  { method: 'GET', path: () => '/api/sessions', role: 'viewer' },
  { method: 'GET', path: () => `/api/sessions/${acmeSession}`, role: 'viewer' },
  { method: 'GET', path: () => `/api/sessions/${acmeSession}/results?limit=5`, role: 'viewer' },
  { method: 'GET', path: () => `/api/sessions/${acmeSession}/results.csv`, role: 'viewer' },
  { method: 'GET', path: () => `/api/sessions/${acmeSession}/report.xlsx`, role: 'viewer' },
  { method: 'GET', path: () => `/api/sessions/${acmeSession}/plans`, role: 'viewer' },
  { method: 'GET', path: () => `/api/sessions/${acmeSession}/changes`, role: 'viewer' },
  { method: 'GET', path: () => '/api/savings', role: 'viewer' },
  { method: 'GET', path: () => '/api/tenants/acme/providers', role: 'viewer' },
  { method: 'GET', path: () => '/api/tenants/acme/schedule', role: 'viewer' },
  { method: 'POST', path: () => '/api/sessions', role: 'operator', body: () => ({ tenant: 'acme', provider: 'main', period: '2026-09', sync: false }) },
  { method: 'POST', path: () => `/api/sessions/${acmeSession}/cancel`, role: 'operator' },
  { method: 'POST', path: () => `/api/sessions/${acmeSession}/changes/approve`, role: 'operator', body: () => ({}) },
  { method: 'POST', path: () => `/api/sessions/${acmeSession}/changes/push`, role: 'operator' },
  { method: 'POST', path: () => '/api/what-if', role: 'operator', body: () => new FormData() },
  { method: 'GET', path: () => '/api/tenants', role: 'admin' },
  { method: 'POST', path: () => '/api/tenants', role: 'admin', serviceWide: true, body: () => ({ name: `tenant-${++counter}` }) },
  { method: 'POST', path: () => '/api/tenants/acme/providers', role: 'admin', body: () => ({ name: `files-${++counter}`, integration: 'files' }) },
  { method: 'PATCH', path: () => '/api/tenants/acme/providers/main', role: 'admin', body: () => ({ prorate: false }) },
  { method: 'GET', path: () => '/api/api-keys', role: 'admin' },
  { method: 'POST', path: () => '/api/api-keys', role: 'admin', body: () => ({ tenant: 'acme', name: `key-${++counter}`, role: 'viewer' }) },
  { method: 'DELETE', path: () => `/api/api-keys/${revocable.pop()}`, role: 'admin' },
]

describe('API roles', () => {
  it('every route refuses a request without a key, or with an unknown one (401)', async () => {
    for (const route of routes) {
      const none = await call(server, route.method, route.path(), { body: route.body?.() })
      assert.equal(none.status, 401, `${route.method} ${route.path()} without a key`)
      assert.match(none.body.message, /Authorization/)
      const unknown = await call(server, route.method, route.path(), { key: 'sk_not-a-key', body: route.body?.() })
      assert.equal(unknown.status, 401, `${route.method} ${route.path()} with an unknown key`)
    }
  })

  for (const role of API_ROLES) {
    it(`lets a ${role} through only where its role suffices`, async () => {
      for (const route of routes) {
        const answer = await call(server, route.method, route.path(), { key: acme[role], body: route.body?.() })
        const allowed = API_ROLES.indexOf(role) >= API_ROLES.indexOf(route.role) && route.serviceWide !== true
        const what = `${role} ${route.method} ${route.path()}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`
        if (allowed) assert.ok(answer.status < 500 && ![401, 403, 404].includes(answer.status), what)
        else {
          assert.equal(answer.status, 403, what)
          const roleSuffices = API_ROLES.indexOf(role) >= API_ROLES.indexOf(route.role)
          assert.match(answer.body.message, roleSuffices ? /service-wide/ : new RegExp(`needs the ${route.role} role`), what)
        }
      }
    })
  }

  it('lets a service-wide administrator through everywhere', async () => {
    for (const route of routes) {
      const answer = await call(server, route.method, route.path(), { key: root, body: route.body?.() })
      assert.ok(answer.status < 500 && ![401, 403, 404].includes(answer.status), `${route.method} ${route.path()}: ${answer.status} ${JSON.stringify(answer.body)}`)
    }
  })

  it('stops a revoked key at once', async () => {
    const made = await call(server, 'POST', '/api/api-keys', { key: acme.admin, body: { name: 'short-lived', role: 'viewer' } })
    assert.equal(made.status, 201)
    assert.equal((await call(server, 'GET', '/api/me', { key: made.body.key })).status, 200)
    assert.equal((await call(server, 'DELETE', `/api/api-keys/${made.body.id}`, { key: acme.admin })).status, 200)
    assert.equal((await call(server, 'GET', '/api/me', { key: made.body.key })).status, 401)
  })
})

describe('tenants apart', () => {
  it("never lets one tenant's key read another's session, results, changes or providers (404)", async () => {
    const foreign = [
      ['GET', `/api/sessions/${acmeSession}`],
      ['GET', `/api/sessions/${acmeSession}/results`],
      ['GET', `/api/sessions/${acmeSession}/results.csv`],
      ['GET', `/api/sessions/${acmeSession}/report.xlsx`],
      ['GET', `/api/sessions/${acmeSession}/plans`],
      ['GET', `/api/sessions/${acmeSession}/changes`],
      ['POST', `/api/sessions/${acmeSession}/changes/approve`],
      ['POST', `/api/sessions/${acmeSession}/changes/push`],
      ['POST', `/api/sessions/${acmeSession}/cancel`],
      ['GET', '/api/tenants/acme/providers'],
      ['GET', '/api/tenants/acme/schedule'],
      ['PATCH', '/api/tenants/acme/providers/main'],
      ['POST', '/api/tenants/acme/providers'],
      ['GET', '/api/sessions?tenant=acme'],
      ['GET', '/api/savings?tenant=acme'],
      ['GET', '/api/api-keys?tenant=acme'],
    ] as const
    for (const [method, route] of foreign) {
      const body = method === 'GET' ? undefined : method === 'POST' && route.endsWith('providers') ? { name: 'x', integration: 'files' } : {}
      const answer = await call(server, method, route, { key: globex.admin, body })
      assert.equal(answer.status, 404, `${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`)
      assert.match(answer.body.message, /not found/)
    }
    // The same 404 as for an id that does not exist: nothing tells the two apart.
    const missing = await call(server, 'GET', `/api/sessions/${crypto.randomUUID()}`, { key: globex.admin })
    assert.equal(missing.status, 404)
    const starting = await call(server, 'POST', '/api/sessions', { key: globex.operator, body: { tenant: 'acme', provider: 'main', period: '2026-08' } })
    assert.equal(starting.status, 404)
  })

  it("lists only the key's own tenant's sessions, savings, tenants and keys", async () => {
    const sessions = await call(server, 'GET', '/api/sessions', { key: globex.viewer })
    assert.deepEqual(new Set(sessions.body.sessions.map((s: { tenant: string }) => s.tenant)), new Set(['globex']))
    assert.ok(sessions.body.sessions.some((s: { id: string }) => s.id === globexSession))
    const tenants = await call(server, 'GET', '/api/tenants', { key: globex.admin })
    assert.deepEqual(tenants.body.tenants.map((t: { name: string }) => t.name), ['globex'])
    const keys = await call(server, 'GET', '/api/api-keys', { key: globex.admin })
    assert.ok(keys.body.keys.length >= 3 && keys.body.keys.every((k: { tenant: string }) => k.tenant === 'globex'))
    const acmeKeys = await call(server, 'GET', '/api/api-keys', { key: acme.admin })
    const acmeKeyId = acmeKeys.body.keys[0].id
    assert.equal((await call(server, 'DELETE', `/api/api-keys/${acmeKeyId}`, { key: globex.admin })).status, 404)
    const all = await call(server, 'GET', '/api/sessions', { key: root })
    assert.deepEqual(new Set(all.body.sessions.map((s: { tenant: string }) => s.tenant)), new Set(['acme', 'globex']))
  })

  it("keeps a tenant's administrator from making keys for another tenant or service-wide ones", async () => {
    assert.equal((await call(server, 'POST', '/api/api-keys', { key: globex.admin, body: { tenant: 'acme', name: 'sneaky', role: 'admin' } })).status, 404)
    const own = await call(server, 'POST', '/api/api-keys', { key: globex.admin, body: { name: 'own', role: 'admin' } })
    assert.equal(own.status, 201)
    assert.equal(own.body.tenant, 'globex')
    const serviceWide = await call(server, 'POST', '/api/api-keys', { key: root, body: { name: 'ops', role: 'admin' } })
    assert.equal(serviceWide.status, 201)
    assert.equal(serviceWide.body.tenant, null)
    const viewerWithoutTenant = await call(server, 'POST', '/api/api-keys', { key: root, body: { name: 'ops', role: 'viewer' } })
    assert.equal(viewerWithoutTenant.status, 400)
    assert.match(viewerWithoutTenant.body.message, /body\/tenant/)
  })
})
