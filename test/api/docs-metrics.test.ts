/**
 * The operations side: `/docs/json` documents every route with its schemas, `/docs` serves the UI,
 * `/healthz` and `/readyz` answer (503 when the database does not), `/metrics` has the series Prometheus needs.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OPTIMIZER_STATUSES } from '../../src/optimizer/index.js'
import { sessionOptimizerInfo } from '../../src/store/index.js'
import { finishedSession, importedFleet } from '../helpers/api-fleet.js'
import { call, startApiServer, tenantKeys } from '../helpers/api-server.js'

const server = await startApiServer()

/** Every route the server has, as OpenAPI names them. */
const ROUTES = [
  'get /healthz',
  'get /readyz',
  'get /metrics',
  'get /api/me',
  'get /api/tenants',
  'post /api/tenants',
  'get /api/tenants/{tenant}/providers',
  'post /api/tenants/{tenant}/providers',
  'patch /api/tenants/{tenant}/providers/{provider}',
  'get /api/tenants/{tenant}/customers',
  'get /api/tenants/{tenant}/customer-plans',
  'post /api/tenants/{tenant}/customer-sessions',
  'get /api/tenants/{tenant}/customer-sessions',
  'get /api/customer-sessions/{id}/customers',
  'get /api/tenants/{tenant}/customers/{customer}/savings',
  'get /api/sessions',
  'post /api/sessions',
  'get /api/sessions/{id}',
  'post /api/sessions/{id}/cancel',
  'get /api/savings',
  'get /api/sessions/{id}/results',
  'get /api/sessions/{id}/results.csv',
  'get /api/sessions/{id}/report.xlsx',
  'get /api/sessions/{id}/plans',
  'get /api/sessions/{id}/changes',
  'post /api/sessions/{id}/changes/approve',
  'post /api/sessions/{id}/changes/push',
  'post /api/what-if',
  'post /api/what-if/download',
  'get /api/tenants/{tenant}/schedule',
  'get /api/api-keys',
  'post /api/api-keys',
  'delete /api/api-keys/{id}',
  'get /',
  'get /web/{*}',
]

describe('OpenAPI', () => {
  it('lists every route, each with its answers and the schemas of its input', async () => {
    const docs = await call(server, 'GET', '/docs/json')
    assert.equal(docs.status, 200)
    assert.equal(docs.body.openapi.slice(0, 2), '3.')
    const documented = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>).flatMap(([route, methods]) => Object.keys(methods).map((method) => `${method} ${route}`))
    assert.deepEqual(new Set(documented), new Set(ROUTES))
    for (const [route, methods] of Object.entries(docs.body.paths as Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { in: string }[]; requestBody?: unknown; security?: unknown }>>)) {
      for (const [method, operation] of Object.entries(methods)) {
        assert.ok(operation.responses['200'] !== undefined || operation.responses['201'] !== undefined, `${method} ${route} documents its answer`)
        if (route.includes('{')) assert.ok(operation.parameters?.some((p) => p.in === 'path'), `${method} ${route} documents its path parameters`)
        if (['post', 'patch'].includes(method) && !route.endsWith('/cancel') && !route.endsWith('/push')) assert.ok(operation.requestBody !== undefined, `${method} ${route} documents its body`)
        if (route.startsWith('/api/')) assert.ok(operation.responses['4XX'] !== undefined || operation.responses['4xx'] !== undefined, `${method} ${route} documents its errors`)
      }
    }
    assert.deepEqual(docs.body.components.securitySchemes.apiKey, { type: 'http', scheme: 'bearer', description: 'an API key (simopt apikey create)' })
    const ui = await fetch(`${server.url}/docs/`)
    assert.equal(ui.status, 200)
    assert.match(await ui.text(), /swagger/i)
  })
})

describe('health and metrics', () => {
  it('answers /healthz and /readyz', async () => {
    assert.deepEqual((await call(server, 'GET', '/healthz')).body, { status: 'ok' })
    assert.deepEqual((await call(server, 'GET', '/readyz')).body, { status: 'ready' })
  })

  it('has the series Prometheus scrapes', async () => {
    const keys = await tenantKeys(server.store, 'acme')
    await importedFleet(server, 'acme')
    await server.startWorker()
    const sessionId = await finishedSession(server, keys.operator)
    const metrics = await fetch(`${server.url}/metrics`)
    assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/)
    const text = await metrics.text()
    for (const series of [
      /^simopt_sessions\{status="done"\} 1$/m,
      /^simopt_stage_duration_seconds\{tenant="acme",provider="main",stage="optimizing"\} [\d.]+$/m,
      /^# TYPE simopt_job_queue_depth gauge$/m,
      /^# TYPE simopt_jobs_failed_total counter$/m,
      /^simopt_jobs_done_total\{type="optimize-component"\} \d+$/m,
      /^simopt_last_run_cost_before\{tenant="acme",provider="main"\} [\d.]+$/m,
      /^simopt_last_run_sims\{tenant="acme",provider="main",state="priced"\} [1-9]\d*$/m,
      /^simopt_http_requests_total\{method="GET",route="\/api\/sessions\/:id",status="200"\} \d+$/m,
      /^simopt_http_request_duration_seconds_count\{method="GET",route="\/api\/sessions\/:id",status="200"\} \d+$/m,
      /^process_cpu_user_seconds_total \d/m,
      /^nodejs_heap_size_used_bytes \d/m,
      /^simopt_carrier_calls_total\{tenant="acme",provider="main"\} 0$/m,
      /^simopt_carrier_errors_total\{tenant="acme",provider="main"\} 0$/m,
      /^simopt_last_run_savings\{tenant="acme",provider="main"\} [\d.]+$/m,
      /^simopt_optimize_phase_seconds\{tenant="acme",provider="main",phase="dual"\} [\d.e-]+$/m,
      /^simopt_optimize_phase_seconds\{tenant="acme",provider="main",phase="search"\} [\d.e-]+$/m,
      /^# TYPE simopt_optimizer_runs_total counter$/m,
    ]) {
      assert.match(text, series)
    }
    // Each component solved is one run, counted by the status the session stored for it.
    const info = await sessionOptimizerInfo(server.store.db, sessionId)
    assert.ok(info !== undefined && OPTIMIZER_STATUSES.includes(info.status))
    assert.ok(info.components >= 1)
    const runs = [...text.matchAll(/^simopt_optimizer_runs_total\{status="([a-z-]+)"\} (\d+)$/gm)]
    assert.equal(runs.reduce((sum, [, , count]) => sum + Number(count), 0), info.components)
    assert.ok(runs.some(([, status]) => status === info.status), 'the worst status is among the runs')
  })

  it('keeps /metrics (tenant names, bills, savings) from callers off this machine, or without the metrics token', async () => {
    // From elsewhere, without a token set: refused; the same request from loopback is answered.
    const remote = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' })
    assert.equal(remote.statusCode, 403)
    assert.match(remote.json().message, /SIMOPT_METRICS_TOKEN/)
    assert.equal((await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::ffff:127.0.0.1' })).statusCode, 200)
    // With a token set, loopback is not enough: the token is.
    const guarded = await startApiServer({ SIMOPT_METRICS_TOKEN: 'a metrics token, long enough' })
    assert.equal((await fetch(`${guarded.url}/metrics`)).status, 401)
    assert.equal((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer a metrics token, long' } })).status, 401)
    const scraped = await guarded.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: 'Bearer a metrics token, long enough' } })
    assert.equal(scraped.statusCode, 200)
    assert.match(scraped.body, /^# TYPE simopt_sessions gauge$/m)
  })

  it('says not ready (503) when the database is gone', async () => {
    const broken = await startApiServer()
    await broken.store.close()
    const answer = await call(broken, 'GET', '/readyz')
    assert.equal(answer.status, 503)
    assert.match(answer.body.message, /database/)
    assert.equal((await call(broken, 'GET', '/healthz')).status, 200)
  })
})
