/**
 * Bad requests get a 4xx whose message names the field or thing that was wrong, and change nothing; a
 * body over the limit gets 413; provider credentials go in and never come out, bound to their URL.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { call, serviceAdminKey, startApiServer, tenantKeys } from '../helpers/api-server.js'

// A 20 kB body limit, so the limit is easy to pass.
const server = await startApiServer({ SIMOPT_BODY_LIMIT_MB: '0.02' })
const keys = await tenantKeys(server.store, 'acme')
const root = await serviceAdminKey(server.store)

describe('bad input', () => {
  // `field`: a request the contract refuses, answered INPUT_INVALID naming the field (the wording is zod's).
  const cases: readonly { method: string; route: string; key: () => string; body?: unknown; status: number; error?: RegExp; field?: string }[] = [
    { method: 'POST', route: '/api/sessions', key: () => keys.operator, body: { provider: 'main', period: '2026-13' }, status: 400, field: 'body/period' },
    { method: 'POST', route: '/api/sessions', key: () => keys.operator, body: { period: '2026-11' }, status: 400, field: 'body/provider' },
    { method: 'POST', route: '/api/sessions', key: () => keys.operator, body: { provider: 'main', period: '2026-11', sync: 'sometimes' }, status: 400, field: 'body/sync' },
    { method: 'POST', route: '/api/sessions', key: () => keys.operator, body: { provider: 'nope', period: '2026-11' }, status: 404, error: /tenant acme has no service provider "nope"/ },
    { method: 'POST', route: '/api/sessions', key: () => root, body: { provider: 'main', period: '2026-11' }, status: 400, error: /body\/tenant is required/ },
    { method: 'POST', route: '/api/sessions', key: () => keys.operator, body: '{"provider": ', status: 400, error: /JSON/ },
    { method: 'GET', route: '/api/sessions/not-a-uuid', key: () => keys.viewer, status: 400, field: 'params/id' },
    { method: 'GET', route: '/api/sessions?limit=100000', key: () => keys.viewer, status: 400, field: 'querystring/limit' },
    { method: 'GET', route: `/api/sessions/${crypto.randomUUID()}/results?after=89%27;drop`, key: () => keys.viewer, status: 400, field: 'querystring/after' },
    { method: 'GET', route: `/api/sessions/${crypto.randomUUID()}/changes?status=lost`, key: () => keys.viewer, status: 400, field: 'querystring/status' },
    { method: 'POST', route: '/api/tenants/acme/providers', key: () => keys.admin, body: { name: 'carrier', url: 'http://127.0.0.1:1' }, status: 400, error: /body\/user is required/ },
    { method: 'POST', route: '/api/tenants/acme/providers', key: () => keys.admin, body: { name: 'carrier', integration: 'files', timeZone: 'Mars/Olympus' }, status: 400, error: /body\/timeZone: unknown time zone/ },
    { method: 'POST', route: '/api/tenants/acme/providers', key: () => keys.admin, body: { name: 'carrier', integration: 'carrier-pigeon' }, status: 400, field: 'body/integration' },
    { method: 'POST', route: '/api/tenants/acme/providers', key: () => keys.admin, body: { name: 'carrier', integration: 'files', cycleEndHour: 24 }, status: 400, field: 'body/cycleEndHour' },
    { method: 'PATCH', route: '/api/tenants/acme/providers/ghost', key: () => keys.admin, body: {}, status: 404, error: /provider "ghost" of tenant acme not found/ },
    { method: 'POST', route: '/api/api-keys', key: () => keys.admin, body: { name: 'x', role: 'superuser' }, status: 400, field: 'body/role' },
    { method: 'POST', route: '/api/tenants', key: () => root, body: { name: '' }, status: 400, error: /body\/name must not be empty/, field: 'body/name' },
    { method: 'POST', route: '/api/tenants', key: () => root, body: { name: 'acme' }, status: 409, error: /tenant "acme" already exists/ },
    { method: 'GET', route: '/api/nothing-here', key: () => keys.viewer, status: 404, error: /no route GET \/api\/nothing-here/ },
  ]
  for (const test of cases) {
    it(`${test.method} ${test.route} ${JSON.stringify(test.body) ?? ''} → ${test.status}`, async () => {
      const answer = await call(server, test.method, test.route, { key: test.key(), body: test.body })
      assert.equal(answer.status, test.status, JSON.stringify(answer.body))
      if (test.error !== undefined) assert.match(answer.body.message, test.error)
      if (test.field !== undefined) assert.deepEqual([answer.body.code, answer.body.field], ['INPUT_INVALID', test.field])
    })
  }

  it('stores nothing from a refused request', async () => {
    const providers = await server.store.db.selectFrom('service_providers').select('name').execute()
    assert.deepEqual(providers, [])
    const tenants = await server.store.db.selectFrom('tenants').select('name').execute()
    assert.deepEqual(tenants.map((t) => t.name), ['acme'])
    const sessions = await server.store.db.selectFrom('sessions').select('id').execute()
    assert.deepEqual(sessions, [])
  })

  it('refuses a body over the limit with 413, JSON or upload', async () => {
    const big = { name: 'x'.repeat(30_000), role: 'viewer' }
    const json = await call(server, 'POST', '/api/api-keys', { key: keys.admin, body: big })
    assert.equal(json.status, 413)
    assert.match(json.body.message, /body/i)
    const form = new FormData()
    form.append('plans', new Blob(['plan_code\n'.repeat(4000)]), 'plans.csv')
    const upload = await call(server, 'POST', '/api/what-if', { key: keys.operator, body: form })
    assert.equal(upload.status, 413)
    assert.match(upload.body.message, /larger than 20972 bytes/)
  })
})

describe('provider credentials', () => {
  it('are sealed when stored and never returned', async () => {
    const secret = 'the-carrier-api-key-1234567890'
    const created = await call(server, 'POST', '/api/tenants/acme/providers', {
      key: keys.admin,
      body: { name: 'jasper', url: 'https://restapi1.jasper.example', user: 'ops', apiKey: secret, cycleEndDay: 19, writeEnabled: true },
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    assert.equal(created.body.hasCredentials, true)
    assert.equal(created.body.cycleEndDay, 19)
    assert.equal(created.body.writeEnabled, true)
    const changed = await call(server, 'PATCH', '/api/tenants/acme/providers/jasper', { key: keys.admin, body: { apiKey: `${secret}-new`, prorate: true } })
    assert.equal(changed.status, 200)
    assert.equal(changed.body.prorate, true)
    assert.equal(changed.body.writeEnabled, true, 'settings not given stay as they were')
    // The schedule's start hour: set, then given back to the cycle end hour with null.
    const nine = await call(server, 'PATCH', '/api/tenants/acme/providers/jasper', { key: keys.admin, body: { scheduleStartHour: 9 } })
    assert.equal(nine.body.scheduleStartHour, 9)
    assert.equal((await call(server, 'PATCH', '/api/tenants/acme/providers/jasper', { key: keys.admin, body: { scheduleStartHour: 24 } })).status, 400)
    const cleared = await call(server, 'PATCH', '/api/tenants/acme/providers/jasper', { key: keys.admin, body: { scheduleStartHour: null } })
    assert.equal(cleared.body.scheduleStartHour, null)
    assert.equal(cleared.body.writeEnabled, true)
    const listed = await call(server, 'GET', '/api/tenants/acme/providers', { key: keys.viewer })
    for (const answer of [created, changed, listed]) {
      const text = JSON.stringify(answer.body)
      assert.ok(!text.includes(secret) && !text.includes('credentials":') && !text.includes('v1:'), text)
    }
    const row = await server.store.db.selectFrom('service_providers').select('credentials').where('name', '=', 'jasper').executeTakeFirstOrThrow()
    assert.ok(row.credentials !== null && row.credentials.startsWith('v1:') && !row.credentials.includes(secret))
    const duplicate = await call(server, 'POST', '/api/tenants/acme/providers', { key: keys.admin, body: { name: 'jasper', integration: 'files' } })
    assert.equal(duplicate.status, 409)
  })

  it('are bound to their URL, and refused in one (a PATCH of the URL alone kept them; a password in a URL was stored and listed)', async () => {
    const route = '/api/tenants/acme/providers/jasper'
    const inUrl = await call(server, 'POST', '/api/tenants/acme/providers', { key: keys.admin, body: { name: 'other', url: 'https://ops:s3cret-pw@restapi2.jasper.example', user: 'ops', apiKey: 'k' } })
    assert.equal(inUrl.status, 400)
    assert.match(inUrl.body.message, /body\/url: must not carry a user name or password \(https:\/\/ops:\*\*\*@restapi2\.jasper\.example\)/)
    const patchedIn = await call(server, 'PATCH', route, { key: keys.admin, body: { url: 'https://ops:s3cret-pw@restapi2.jasper.example', user: 'ops', apiKey: 'k' } })
    assert.equal(patchedIn.status, 400)
    for (const body of [{ url: 'https://collector.example' }, { url: 'https://collector.example', apiKey: 'k' }, { url: 'https://collector.example', prorate: false }]) {
      const moved = await call(server, 'PATCH', route, { key: keys.admin, body })
      assert.equal(moved.status, 400, JSON.stringify(body))
      assert.match(moved.body.message, /body\/url: a new address needs the credentials again: give body\/user and body\/apiKey with it/)
    }
    assert.equal((await call(server, 'GET', '/api/tenants/acme/providers', { key: keys.viewer })).body.providers[0].url, 'https://restapi1.jasper.example', 'nothing changed')
    const rebound = await call(server, 'PATCH', route, { key: keys.admin, body: { url: 'https://restapi2.jasper.example', user: 'ops', apiKey: 'k2' } })
    assert.equal(rebound.status, 200, JSON.stringify(rebound.body))
    assert.equal(rebound.body.url, 'https://restapi2.jasper.example')
    // As a version that took such URLs stored it: listed without its password.
    await server.store.db.updateTable('service_providers').set({ base_url: 'https://ops:s3cret-pw@restapi2.jasper.example' }).where('name', '=', 'jasper').execute()
    const listed = await call(server, 'GET', '/api/tenants/acme/providers', { key: keys.viewer })
    assert.equal(listed.body.providers[0].url, 'https://ops:***@restapi2.jasper.example')
    for (const answer of [inUrl, patchedIn, listed]) assert.ok(!JSON.stringify(answer.body).includes('s3cret'), JSON.stringify(answer.body))
    await server.store.db.updateTable('service_providers').set({ base_url: 'https://restapi2.jasper.example' }).where('name', '=', 'jasper').execute()
  })
})

describe('the schedule', () => {
  it('says what it would start at a moment, starting nothing, and refuses a moment it cannot read', async () => {
    // The provider made above: its cycle ends as the 19th begins (UTC), so 17 November is one of the last 8 days.
    const due = await call(server, 'GET', '/api/tenants/acme/schedule?at=2026-11-17T10:00:00Z', { key: keys.viewer })
    assert.equal(due.status, 200, JSON.stringify(due.body))
    assert.equal(due.body.days, 8)
    assert.deepEqual(due.body.providers, [
      { provider: 'jasper', kind: 'start', period: '2026-11', day: '2026-11-17', slot: '2026-11-17', dueAt: Date.parse('2026-11-17T00:00:00Z'), reason: null, sessionId: null },
    ])
    assert.deepEqual(due.body.history, [])
    const early = await call(server, 'GET', '/api/tenants/acme/schedule?at=2026-11-02T10:00:00Z', { key: keys.viewer })
    assert.deepEqual(early.body.providers.map((p: { kind: string; dueAt: number }) => [p.kind, p.dueAt]), [['waiting', Date.parse('2026-11-11T00:00:00Z')]])
    assert.equal((await server.store.db.selectFrom('sessions').select('id').execute()).length, 0, 'nothing started')
    const bad = await call(server, 'GET', '/api/tenants/acme/schedule?at=tomorrow', { key: keys.viewer })
    assert.equal(bad.status, 400)
    assert.deepEqual([bad.body.code, bad.body.field], ['INPUT_INVALID', 'querystring/at'])
  })
})
