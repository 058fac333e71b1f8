/**
 * Customer optimization through the API (issue 20): customers and their price sheet listed, a customer session
 * started and followed to the end, its customers' figures, a customer's savings per month; another tenant's
 * key sees none of it, and bad input is refused with its field named.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { PERIOD } from '../helpers/api-fleet.js'
import { call, startApiServer, tenantKeys } from '../helpers/api-server.js'
import { EXAMPLES } from '../helpers/paths.js'
import { eventually, simoptOk } from '../helpers/service-env.js'

const CUSTOMERS = path.join(EXAMPLES, 'customers')
const server = await startApiServer()
const keys = await tenantKeys(server.store, 'acme')
const others = await tenantKeys(server.store, 'globex')
await simoptOk(server.env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', PERIOD, '--plans', path.join(EXAMPLES, 'plans.csv'), '--comm-plans', path.join(EXAMPLES, 'comm_plans.csv'), '--pools', path.join(EXAMPLES, 'pools.csv'), '--sims', path.join(EXAMPLES, 'sims.csv')])
await simoptOk(server.env, ['customers', 'import', '--tenant', 'acme', '--customer-plans', path.join(CUSTOMERS, 'customer_plans.csv'), '--customer-pools', path.join(CUSTOMERS, 'customer_pools.csv'), '--customers', path.join(CUSTOMERS, 'customer_sims.csv')])
await server.startWorker()

describe('customers through the API', () => {
  it('lists the customers and the customer price sheet', async () => {
    const customers = await call(server, 'GET', '/api/tenants/acme/customers', { key: keys.viewer })
    assert.equal(customers.status, 200)
    assert.equal(customers.body.customers.length, 6)
    assert.deepEqual(customers.body.customers[0], { externalId: 'CUST-001', name: 'Acme Logistics', sims: 200 })
    const sheet = await call(server, 'GET', '/api/tenants/acme/customer-plans', { key: keys.viewer })
    assert.equal(sheet.status, 200)
    assert.equal(sheet.body.plans.length, 9)
    assert.deepEqual(sheet.body.plans.find((plan: { code: string }) => plan.code === 'C-FLAT'), {
      code: 'C-FLAT', monthlyRate: 40, includedMb: 0, overageBlockMb: 1, overageBlockPrice: 1, smsRate: 0.05, pooled: false, pool: null, autoChange: false, chargeType: 'rate-only',
    })
    assert.deepEqual(sheet.body.pools, [{ name: 'GROUP', overageBlockMb: 10, overageBlockPrice: 0.9 }])
  })

  it('runs a customer session, shows each customer\'s figures and its savings per month', async () => {
    const started = await call(server, 'POST', '/api/tenants/acme/customer-sessions', { key: keys.operator, body: { period: PERIOD } })
    assert.equal(started.status, 201, JSON.stringify(started.body))
    const id = started.body.id as string
    const status = await eventually(`session ${id} to end`, async () => {
      const detail = await call(server, 'GET', `/api/sessions/${id}`, { key: keys.viewer })
      return ['done', 'failed', 'cancelled'].includes(detail.body.status) ? (detail.body.status as string) : undefined
    })
    assert.equal(status, 'done')
    const figures = await call(server, 'GET', `/api/customer-sessions/${id}/customers`, { key: keys.viewer })
    assert.equal(figures.status, 200)
    assert.equal(figures.body.customers.length, 6)
    for (const c of figures.body.customers) {
      assert.equal(c.status, 'done')
      assert.equal(c.sims, 200)
      assert.ok(c.billAfter <= c.billBefore && c.lowerBound <= c.costAfter + 1e-9 && c.gapPct >= 0 && c.baselineCost >= c.costAfter - 1e-6, JSON.stringify(c))
    }
    const savings = await call(server, 'GET', '/api/tenants/acme/customers/CUST-002/savings', { key: keys.viewer })
    assert.equal(savings.status, 200)
    const two = figures.body.customers.find((c: { externalId: string }) => c.externalId === 'CUST-002')
    assert.deepEqual(savings.body.periods, [{ period: PERIOD, sessionId: id, billBefore: two.billBefore, billAfter: two.billAfter, savings: two.billBefore - two.billAfter }])
    // The tenant's customer sessions, newest first.
    const listed = await call(server, 'GET', '/api/tenants/acme/customer-sessions', { key: keys.viewer })
    assert.equal(listed.status, 200)
    assert.deepEqual(listed.body.sessions.map((s: { id: string; period: string; status: string; customer: string | null; currency: string }) => [s.id, s.period, s.status, s.customer, s.currency]), [[id, PERIOD, 'done', null, 'USD']])
    // The session list has the session once, its figures the customers' added up.
    const sessions = await call(server, 'GET', '/api/sessions?limit=100', { key: keys.viewer })
    const lines = sessions.body.sessions.filter((s: { id: string }) => s.id === id)
    assert.equal(lines.length, 1, 'one line for a session of 6 customers')
    const sum = (pick: (c: { sims: number; billBefore: number }) => number) => figures.body.customers.reduce((total: number, c: { sims: number; billBefore: number }) => total + pick(c), 0)
    assert.equal(lines[0].sims, sum((c) => c.sims))
    assert.ok(Math.abs(lines[0].costBefore - sum((c) => c.billBefore)) < 1e-6, `${lines[0].costBefore} vs ${sum((c) => c.billBefore)}`)
    // Another tenant's key sees neither the session nor the customers.
    assert.equal((await call(server, 'GET', '/api/tenants/acme/customer-sessions', { key: others.viewer })).status, 404)
    assert.equal((await call(server, 'GET', `/api/customer-sessions/${id}/customers`, { key: others.viewer })).status, 404)
    assert.equal((await call(server, 'GET', '/api/tenants/acme/customers', { key: others.viewer })).status, 404)
  })

  it('refuses bad input with its field named, an unknown customer, and a viewer starting a session', async () => {
    const bad = await call(server, 'POST', '/api/tenants/acme/customer-sessions', { key: keys.operator, body: { period: '2026-13' } })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'INPUT_INVALID')
    assert.match(JSON.stringify(bad.body), /period/)
    const unknown = await call(server, 'POST', '/api/tenants/acme/customer-sessions', { key: keys.operator, body: { period: PERIOD, customer: 'NOPE' } })
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.code, 'NOT_FOUND')
    assert.equal((await call(server, 'GET', '/api/tenants/acme/customers/NOPE/savings', { key: keys.viewer })).status, 404)
    assert.equal((await call(server, 'POST', '/api/tenants/acme/customer-sessions', { key: keys.viewer, body: { period: PERIOD } })).status, 403)
  })
})
