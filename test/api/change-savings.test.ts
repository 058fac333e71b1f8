/**
 * Each change's saving through the API: own saving plus pool effect, adding up to the session's saving to the
 * cent; changes sorted by saving and paged by the cursor the list answers; filtered by plan and saving with
 * the selection's totals; approved by a filter, the answer saying what the approval adds up to.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { finishedSession, importedFleet } from '../helpers/api-fleet.js'
import { call, startApiServer, tenantKeys } from '../helpers/api-server.js'
import { simoptOk } from '../helpers/service-env.js'

const server = await startApiServer()
const keys = await tenantKeys(server.store, 'acme')
await importedFleet(server, 'acme', 'main', 600)
await server.startWorker()
const session = await finishedSession(server, keys.operator)

interface Line {
  iccid: string
  oldPlan: string
  newPlan: string
  saving: number
  ownSaving: number
  poolEffect: number
  status: string
}

/** Every change the query selects, page after page (`next` passed as `after`). */
async function allPages(query: string, limit = 37): Promise<Line[]> {
  const rows: Line[] = []
  let after: string | null = null
  do {
    const page: { status: number; body: { rows: Line[]; next: string | null } } = await call(server, 'GET', `/api/sessions/${session}/changes?${query}&limit=${limit}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`, { key: keys.viewer })
    assert.equal(page.status, 200, JSON.stringify(page.body))
    rows.push(...page.body.rows)
    after = page.body.next
  } while (after !== null)
  return rows
}

describe("each change's saving", () => {
  it('is its own saving plus its pool effect, and the changes add up to the saving to the cent', async () => {
    const detail = await call(server, 'GET', `/api/sessions/${session}`, { key: keys.viewer })
    const saved = detail.body.costBefore - detail.body.costAfter
    const rows = await allPages('order=iccid', 1000)
    assert.ok(rows.length > 10, `${rows.length} changes`)
    for (const row of rows) assert.ok(Math.abs(row.saving - (row.ownSaving + row.poolEffect)) < 1e-9, `${row.iccid}: ${row.saving} vs ${row.ownSaving} + ${row.poolEffect}`)
    const sum = rows.reduce((total, row) => total + row.saving, 0)
    assert.ok(Math.abs(sum - saved) < 0.005, `changes add up to ${sum}, the session saved ${saved}`)
    assert.ok(rows.some((row) => row.poolEffect !== 0), 'this fleet has pools: some changes have a pool effect')
    const listed = await call(server, 'GET', `/api/sessions/${session}/changes?limit=1`, { key: keys.viewer })
    assert.equal(listed.body.selection.changes, rows.length)
    assert.ok(Math.abs(listed.body.selection.saving - saved) < 0.005)
    assert.ok(Math.abs(listed.body.selection.ownSaving + listed.body.selection.poolEffect - saved) < 0.005)
  })

  it('sorts by saving both ways, every change once across the pages', async () => {
    const byIccid = await allPages('order=iccid', 1000)
    const desc = await allPages('order=saving-desc')
    const asc = await allPages('order=saving-asc', 50)
    assert.deepEqual([...desc.map((row) => row.iccid)].sort(), byIccid.map((row) => row.iccid))
    assert.deepEqual([...asc.map((row) => row.iccid)].sort(), byIccid.map((row) => row.iccid))
    for (let i = 1; i < desc.length; i++) assert.ok(desc[i - 1]!.saving >= desc[i]!.saving, `descending at ${i}`)
    for (let i = 1; i < asc.length; i++) assert.ok(asc[i - 1]!.saving <= asc[i]!.saving, `ascending at ${i}`)
  })

  it('filters by plan and saving, with the totals of the selection', async () => {
    const all = await allPages('order=iccid', 1000)
    const target = all[0]!.newPlan
    const onto = await call(server, 'GET', `/api/sessions/${session}/changes?toPlan=${encodeURIComponent(target)}&limit=1000`, { key: keys.viewer })
    const expected = all.filter((row) => row.newPlan === target)
    assert.deepEqual(onto.body.rows.map((row: Line) => row.iccid), expected.map((row) => row.iccid))
    assert.equal(onto.body.selection.changes, expected.length)
    assert.ok(Math.abs(onto.body.selection.saving - expected.reduce((sum, row) => sum + row.saving, 0)) < 1e-6)
    const from = all[0]!.oldPlan
    const both = await call(server, 'GET', `/api/sessions/${session}/changes?fromPlan=${encodeURIComponent(from)}&minSaving=0.5&maxSaving=1000&limit=1000`, { key: keys.viewer })
    assert.deepEqual(both.body.rows.map((row: Line) => row.iccid), all.filter((row) => row.oldPlan === from && row.saving >= 0.5 && row.saving <= 1000).map((row) => row.iccid))
    const bad = await call(server, 'GET', `/api/sessions/${session}/changes?order=saving-desc&after=8901`, { key: keys.viewer })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'INPUT_INVALID')
    assert.match(bad.body.message, /SAVING:ICCID/)
  })

  it('lists, sorts, filters and approves on the command line, with the totals in the currency', async () => {
    const all = await allPages('order=saving-desc', 1000)
    const toPlan = all[0]!.newPlan
    const onto = all.filter((row) => row.newPlan === toPlan)
    const listed = await simoptOk(server.env, ['changes', session, '--order', 'saving-desc', '--to-plan', toPlan, '--limit', '2'])
    const money = (value: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(value)
    const total = onto.reduce((sum, row) => sum + row.saving, 0)
    assert.match(listed.stdout, new RegExp(`^  selected: ${onto.length} changes saving ${money(total).replace('$', '\\$')} \\(own `, 'm'))
    const rows = listed.stdout.split('\n').filter((line) => / -> /.test(line))
    assert.deepEqual(rows.map((line) => line.trim().split(' ')[0]), onto.slice(0, 2).map((row) => row.iccid))
    assert.match(rows[0]!, new RegExp(`saves ${money(onto[0]!.saving).replace('$', '\\$')} \\(own ${money(onto[0]!.ownSaving).replace('$', '\\$')}, pool ${money(onto[0]!.poolEffect).replace('$', '\\$')}\\)`))
    if (onto.length > 2) {
      const next = /^  more: --after (\S+)$/m.exec(listed.stdout)?.[1]
      assert.ok(next !== undefined, listed.stdout)
      const rest = await simoptOk(server.env, ['changes', session, '--order', 'saving-desc', '--to-plan', toPlan, '--limit', '1', '--after', next])
      assert.match(rest.stdout, new RegExp(`^  ${onto[2]!.iccid} `, 'm'))
    }
    const approved = await simoptOk(server.env, ['changes', 'approve', session, '--to-plan', toPlan, '--by', 'ann'])
    assert.match(approved.stdout, new RegExp(`^approved ${onto.length} changes saving ${money(total).replace('$', '\\$')} `))
  })

  it('approves what a filter selects and answers what it adds up to', async () => {
    const all = await allPages('order=saving-desc', 1000)
    const threshold = all[Math.floor(all.length / 3)]!.saving
    const preview = await call(server, 'GET', `/api/sessions/${session}/changes?status=planned&minSaving=${threshold}&limit=1`, { key: keys.viewer })
    const approved = await call(server, 'POST', `/api/sessions/${session}/changes/approve`, { key: keys.operator, body: { filter: { minSaving: threshold } } })
    assert.equal(approved.status, 200, JSON.stringify(approved.body))
    assert.deepEqual(approved.body.approvedSelection, preview.body.selection)
    assert.ok(approved.body.approved > 0 && approved.body.approved === preview.body.selection.changes)
    assert.equal(approved.body.currency, 'USD')
    const again = await call(server, 'POST', `/api/sessions/${session}/changes/approve`, { key: keys.operator, body: { filter: { minSaving: threshold } } })
    assert.equal(again.status, 409)
    assert.match(again.body.message, /no planned changes that match the filter/)
    const both = await call(server, 'POST', `/api/sessions/${session}/changes/approve`, { key: keys.operator, body: { iccids: [all[0]!.iccid], filter: { minSaving: 0 } } })
    assert.equal(both.status, 400)
  })

  it('refuses a filter that would select other changes than it says: empty, misspelt, or an amount that is not a number', async () => {
    const before = await call(server, 'GET', `/api/sessions/${session}/changes?status=planned&limit=1`, { key: keys.viewer })
    for (const filter of [{}, { maxSaving: null }, { minSaving: '' }, { minSaving: true }, { minSaving: [5] }, { maxSavings: 3 }]) {
      const refused = await call(server, 'POST', `/api/sessions/${session}/changes/approve`, { key: keys.operator, body: { filter } })
      assert.equal(refused.status, 400, `${JSON.stringify(filter)}: ${JSON.stringify(refused.body)}`)
      assert.equal(refused.body.code, 'INPUT_INVALID')
    }
    for (const query of ['minSaving=', 'maxSaving=abc', 'minSaving=1e3', 'maxSaving=Infinity']) {
      const refused = await call(server, 'GET', `/api/sessions/${session}/changes?${query}`, { key: keys.viewer })
      assert.equal(refused.status, 400, `${query}: ${JSON.stringify(refused.body)}`)
      assert.match(refused.body.message, /Saving/)
    }
    const after = await call(server, 'GET', `/api/sessions/${session}/changes?status=planned&limit=1`, { key: keys.viewer })
    assert.deepEqual(after.body.selection, before.body.selection, 'nothing was approved')
  })

  it("takes the provider's minimum saving per change from the API, and the next session plans no change that saves less alone", async () => {
    const bad = await call(server, 'PATCH', '/api/tenants/acme/providers/main', { key: keys.admin, body: { minSavingPerChange: -1, currency: 'DOLLARS' } })
    assert.equal(bad.status, 400)
    const set = await call(server, 'PATCH', '/api/tenants/acme/providers/main', { key: keys.admin, body: { minSavingPerChange: 1_000_000, currency: 'EUR' } })
    assert.equal(set.status, 200, JSON.stringify(set.body))
    assert.equal(set.body.minSavingPerChange, 1_000_000)
    assert.equal(set.body.currency, 'EUR')
    const second = await finishedSession(server, keys.operator)
    const listed = await call(server, 'GET', `/api/sessions/${second}/changes?limit=1`, { key: keys.viewer })
    assert.equal(listed.body.selection.changes, 0, 'no change saves a million on its own')
    // The session's amounts now read in euros, on the command line and in the API.
    assert.equal(listed.body.currency, 'EUR')
    // And its times in the tenant's time zone.
    await simoptOk(server.env, ['tenant', 'set', '--tenant', 'acme', '--time-zone', 'Asia/Tokyo'])
    const status = await simoptOk(server.env, ['status', second])
    assert.match(status.stdout, /^ {2}cost before +€[\d,]+\.\d\d$/m)
    assert.match(status.stdout, /^ {2}\d{4}-\d\d-\d\d \d\d:\d\d\+09:00 Asia\/Tokyo {2}session pending -> /m)
    const detail = await call(server, 'GET', `/api/sessions/${second}`, { key: keys.viewer })
    assert.deepEqual([detail.body.currency, detail.body.timeZone], ['EUR', 'Asia/Tokyo'])
  })
})
