/**
 * Sessions through the API: started, followed to the end with stages and progress, read a page at a
 * time (every SIM once, in order, the same as the CSV), searched by ICCID prefix, downloaded as CSV and
 * workbook, its plan table adding up to its cost; changes approved (some, then the rest) and pushed; a
 * running session cancelled, and a second start for the same period refused while one runs.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { finishedSession, importedFleet, PERIOD } from '../helpers/api-fleet.js'
import { call, startApiServer, tenantKeys } from '../helpers/api-server.js'

const server = await startApiServer()
const keys = await tenantKeys(server.store, 'acme')
await importedFleet(server, 'acme', 'main', 600)
const worker = await server.startWorker()
const session = await finishedSession(server, keys.operator)

describe('a finished session', () => {
  it('shows its stages, 100% progress and its figures', async () => {
    const detail = await call(server, 'GET', `/api/sessions/${session}`, { key: keys.viewer })
    assert.equal(detail.status, 200)
    assert.equal(detail.body.percent, 100)
    assert.equal(detail.body.trigger, 'api')
    assert.deepEqual(
      detail.body.stages.filter((s: { entity: string }) => s.entity === 'session').map((s: { to: string }) => s.to),
      ['pending', 'optimizing', 'finalizing', 'done'],
    )
    const [instance] = detail.body.instances
    assert.equal(instance.sims, 600)
    assert.ok(instance.costAfter <= instance.costBefore && instance.lowerBound <= instance.costAfter + 1e-6)
    assert.ok(instance.baselineCost >= instance.costAfter - 1e-6, 'the old method costs at least as much')
    assert.ok(instance.gapPct >= 0)
  })

  it('pages through every SIM once, in ICCID order, as the CSV has them', async () => {
    const seen: string[] = []
    let after: string | null = null
    let costAfter = 0
    do {
      const query: string = after === null ? '?limit=97' : `?limit=97&after=${after}`
      const page = await call(server, 'GET', `/api/sessions/${session}/results${query}`, { key: keys.viewer })
      assert.equal(page.status, 200)
      assert.equal(page.body.total, 600)
      for (const row of page.body.rows) {
        seen.push(row.iccid)
        costAfter += row.costAfter
      }
      after = page.body.next
    } while (after !== null)
    assert.equal(seen.length, 600)
    assert.deepEqual(seen, [...seen].sort())
    const detail = await call(server, 'GET', `/api/sessions/${session}`, { key: keys.viewer })
    assert.ok(Math.abs(costAfter - detail.body.costAfter) < 1e-6, `${costAfter} vs ${detail.body.costAfter}`)
    const csv = await call(server, 'GET', `/api/sessions/${session}/results.csv`, { key: keys.viewer })
    assert.equal(csv.status, 200)
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="simopt-.*\.csv"/)
    const lines = (csv.body as string).trim().split('\n')
    assert.equal(lines[0]!.split(',')[0], 'iccid')
    assert.deepEqual(lines.slice(1).map((line) => line.split(',')[0]), seen)
  })

  it('finds SIMs by ICCID prefix, paging within the prefix', async () => {
    const all = await call(server, 'GET', `/api/sessions/${session}/results?limit=1000`, { key: keys.viewer })
    const target: string = all.body.rows[123].iccid
    const prefix = target.slice(0, -1)
    const expected = all.body.rows.map((row: { iccid: string }) => row.iccid).filter((iccid: string) => iccid.startsWith(prefix))
    const found = await call(server, 'GET', `/api/sessions/${session}/results?iccid=${prefix}&limit=4`, { key: keys.viewer })
    assert.deepEqual(found.body.rows.map((row: { iccid: string }) => row.iccid), expected.slice(0, 4))
    const rest = await call(server, 'GET', `/api/sessions/${session}/results?iccid=${prefix}&limit=100&after=${found.body.next}`, { key: keys.viewer })
    assert.deepEqual(rest.body.rows.map((row: { iccid: string }) => row.iccid), expected.slice(4))
    assert.equal(rest.body.next, null)
    const exact = await call(server, 'GET', `/api/sessions/${session}/results?iccid=${target}`, { key: keys.viewer })
    assert.deepEqual(exact.body.rows.map((row: { iccid: string }) => row.iccid), [target])
    const none = await call(server, 'GET', `/api/sessions/${session}/results?iccid=7777`, { key: keys.viewer })
    assert.deepEqual(none.body.rows, [])
  })

  it('sends the workbook, and a plan table that adds up to the cost', async () => {
    const xlsx = await fetch(`${server.url}/api/sessions/${session}/report.xlsx`, { headers: { authorization: `Bearer ${keys.viewer}` } })
    assert.equal(xlsx.status, 200)
    const bytes = Buffer.from(await xlsx.arrayBuffer())
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip file')
    const plans = await call(server, 'GET', `/api/sessions/${session}/plans`, { key: keys.viewer })
    const detail = await call(server, 'GET', `/api/sessions/${session}`, { key: keys.viewer })
    type Side = { monthly: number; overage: number; sms: number }
    const cost = (side: 'before' | 'after') =>
      plans.body.lines.filter((line: { kind: string }) => line.kind === 'plan').reduce((sum: number, line: Record<string, Side>) => sum + line[side]!.monthly + line[side]!.overage + line[side]!.sms, 0)
    assert.ok(Math.abs(cost('after') - detail.body.costAfter) < 1e-6)
    assert.ok(Math.abs(cost('before') - detail.body.costBefore) < 1e-6)
  })

  it('approves some changes, then the rest, and decides the push each time', async () => {
    const listed = await call(server, 'GET', `/api/sessions/${session}/changes?limit=3`, { key: keys.viewer })
    const planned = listed.body.counts.planned as number
    assert.ok(planned > 3)
    const some = listed.body.rows.map((row: { iccid: string }) => row.iccid)
    const first = await call(server, 'POST', `/api/sessions/${session}/changes/approve`, { key: keys.operator, body: { iccids: some } })
    assert.equal(first.status, 200)
    assert.equal(first.body.approved, 3)
    assert.equal(first.body.verdict, 'no-go')
    assert.match(first.body.reason, /write-enabled/)
    const again = await call(server, 'POST', `/api/sessions/${session}/changes/approve`, { key: keys.operator, body: { iccids: some } })
    assert.equal(again.status, 409)
    assert.equal(again.body.code, 'STATE_CONFLICT')
    assert.match(again.body.message, /no planned changes/)
    const rest = await call(server, 'POST', `/api/sessions/${session}/changes/approve`, { key: keys.operator })
    assert.equal(rest.body.approved, planned - 3)
    const counts = await call(server, 'GET', `/api/sessions/${session}/changes?status=approved&limit=1`, { key: keys.viewer })
    assert.deepEqual(counts.body.counts, { approved: planned })
    assert.equal(counts.body.rows[0].approvedBy, 'api:acme-operator')
    const push = await call(server, 'POST', `/api/sessions/${session}/changes/push`, { key: keys.operator })
    assert.equal(push.status, 200)
    assert.equal(push.body.verdict, 'no-go')
  })
})

describe('a running session', () => {
  it('refuses a second start for the period (409), and cancels', async () => {
    // No worker: the session stays pending while the test looks at it.
    await worker.stop()
    const started = await call(server, 'POST', '/api/sessions', { key: keys.operator, body: { provider: 'main', period: '2026-12', sync: false } })
    assert.equal(started.status, 201)
    const second = await call(server, 'POST', '/api/sessions', { key: keys.operator, body: { provider: 'main', period: '2026-12', sync: false } })
    assert.equal(second.status, 409)
    assert.equal(second.body.code, 'SESSION_ALREADY_RUNNING')
    assert.match(second.body.message, /already running/)
    const cancelled = await call(server, 'POST', `/api/sessions/${started.body.id}/cancel`, { key: keys.operator })
    assert.equal(cancelled.status, 200)
    assert.equal(cancelled.body.status, 'cancelled')
    assert.match(cancelled.body.stages.at(-1).message, /cancelled by api:acme-operator/)
    const twice = await call(server, 'POST', `/api/sessions/${started.body.id}/cancel`, { key: keys.operator })
    assert.equal(twice.status, 409)
    assert.equal(twice.body.code, 'STATE_CONFLICT')
    const results = await call(server, 'GET', `/api/sessions/${started.body.id}/results`, { key: keys.viewer })
    assert.equal(results.status, 409)
    assert.equal(results.body.code, 'STATE_CONFLICT')
    assert.match(results.body.message, /cancelled/)
    const unknown = await call(server, 'GET', `/api/sessions/${crypto.randomUUID()}/changes`, { key: keys.viewer })
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.code, 'SESSION_NOT_FOUND')
  })

  it('lists sessions newest first, a page at a time', async () => {
    const first = await call(server, 'GET', '/api/sessions?limit=1', { key: keys.viewer })
    assert.equal(first.body.sessions.length, 1)
    assert.equal(first.body.sessions[0].period, '2026-12')
    const next = await call(server, 'GET', `/api/sessions?limit=5&before=${first.body.sessions[0].createdAt}`, { key: keys.viewer })
    assert.deepEqual(next.body.sessions.map((s: { id: string }) => s.id), [session])
    const savings = await call(server, 'GET', '/api/savings', { key: keys.viewer })
    assert.deepEqual(savings.body.periods.map((p: { period: string }) => p.period), [PERIOD])
    assert.ok(savings.body.periods[0].savings > 0)
  })
})
