/**
 * What-if: uploaded files are optimized exactly as `simopt optimize` does it (same cost, bound and
 * changes), nothing is stored, and a bad file is answered with the file, line and column at fault.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { writeGroups } from '../helpers/fleets.js'
import { call, startApiServer, tenantKeys } from '../helpers/api-server.js'
import { simoptOk } from '../helpers/service-env.js'

const server = await startApiServer()
const keys = await tenantKeys(server.store, 'acme')
const files = await writeGroups(path.join(server.folder, 'fleet'), 2, 400, 6, 11)

async function upload(fields: Partial<Record<'plans' | 'commPlans' | 'sims' | 'pools', string>>, extra: Record<string, string> = {}, route = '/api/what-if') {
  const form = new FormData()
  for (const [field, file] of Object.entries(fields)) form.append(field, new Blob([await readFile(file)]), path.basename(file))
  for (const [field, value] of Object.entries(extra)) form.append(field, value)
  return call(server, 'POST', route, { key: keys.operator, body: form })
}

describe('what-if', () => {
  it('gives the cost simopt optimize gives on the same files, and stores nothing', async () => {
    const summaryFile = path.join(server.folder, 'summary.json')
    await simoptOk(server.env, ['optimize', '--plans', files.plans, '--comm-plans', files.commPlans, '--sims', files.sims, '--pools', files.pools, '--period-days', '31', '--out', path.join(server.folder, 'assignment.csv'), '--summary', summaryFile])
    const expected = JSON.parse(await readFile(summaryFile, 'utf8'))
    const answer = await upload({ plans: files.plans, commPlans: files.commPlans, sims: files.sims, pools: files.pools }, { periodDays: '31', rows: '5' })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    for (const field of ['sims', 'plans', 'changes', 'costBefore', 'costAfter', 'lowerBound', 'baselineCost', 'savings']) {
      assert.equal(answer.body.summary[field], expected[field], field)
    }
    assert.equal(answer.body.rows.length, 5)
    const assignment = (await readFile(path.join(server.folder, 'assignment.csv'), 'utf8')).split('\n').slice(1, 6).map((line) => line.split(','))
    assert.deepEqual(answer.body.rows.map((row: { iccid: string; newPlan: string }) => [row.iccid, row.newPlan]), assignment.map((cells) => [cells[0], cells[3]]))
    for (const table of ['tenants', 'service_providers', 'devices', 'sessions', 'results'] as const) {
      const rows = await server.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      assert.equal(Number(rows.n), table === 'tenants' ? 1 : 0, table)
    }
  })

  it('downloads every SIM: the CSV simopt optimize --report-csv writes, or the workbook; a viewer may not', async () => {
    const reportCsv = path.join(server.folder, 'report.csv')
    const all = { plans: files.plans, commPlans: files.commPlans, sims: files.sims, pools: files.pools }
    await simoptOk(server.env, ['optimize', ...Object.entries({ plans: files.plans, 'comm-plans': files.commPlans, sims: files.sims, pools: files.pools }).flatMap(([option, file]) => [`--${option}`, file]), '--period-days', '31', '--out', path.join(server.folder, 'a.csv'), '--summary', path.join(server.folder, 's.json'), '--report-csv', reportCsv])
    const csv = await upload(all, { periodDays: '31' }, '/api/what-if/download')
    assert.equal(csv.status, 200, String(csv.body))
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/)
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="simopt-what-if\.csv"/)
    assert.equal(csv.body, await readFile(reportCsv, 'utf8'))
    assert.equal((csv.body as string).trimEnd().split('\n').length, 1 + 800, 'every SIM, not the first 50')

    const form = new FormData()
    for (const [field, file] of Object.entries(all)) form.append(field, new Blob([await readFile(file)]), path.basename(file))
    form.append('format', 'xlsx')
    const response = await fetch(`${server.url}/api/what-if/download`, { method: 'POST', headers: { authorization: `Bearer ${keys.operator}` }, body: form })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(await response.arrayBuffer())
    assert.equal(workbook.getWorksheet('Assignments')!.actualRowCount, 1 + 800)

    const viewer = await call(server, 'POST', '/api/what-if/download', { key: keys.viewer, body: new FormData() })
    assert.equal(viewer.status, 403)
  })

  it('names the file, line and column of a bad value', async () => {
    const broken = path.join(server.folder, 'sims-broken.csv')
    const lines = (await readFile(files.sims, 'utf8')).split('\n')
    const cells = lines[3]!.split(',')
    cells[1] = '-5'
    lines[3] = cells.join(',')
    await import('node:fs/promises').then((fs) => fs.writeFile(broken, lines.join('\n')))
    const answer = await upload({ plans: files.plans, commPlans: files.commPlans, sims: broken, pools: files.pools })
    assert.equal(answer.status, 400)
    assert.match(answer.body.message, /^sims\.csv, line 4, column 2 \(usage_mb\)/)
  })

  it('names a missing file or a bad field', async () => {
    const missing = await upload({ plans: files.plans, commPlans: files.commPlans })
    assert.equal(missing.status, 400)
    assert.deepEqual([missing.body.code, missing.body.field], ['INPUT_INVALID', 'body/sims'])
    const badDays = await upload({ plans: files.plans, commPlans: files.commPlans, sims: files.sims }, { periodDays: '0' })
    assert.equal(badDays.status, 400)
    assert.deepEqual([badDays.body.code, badDays.body.field], ['INPUT_INVALID', 'body/periodDays'])
    const stranger = await upload({ plans: files.plans, commPlans: files.commPlans, sims: files.sims, devices: files.sims } as never)
    assert.equal(stranger.status, 400)
    assert.match(stranger.body.message, /body\/devices is not an upload field/)
    const notMultipart = await call(server, 'POST', '/api/what-if', { key: keys.operator, body: { plans: 'x' } })
    assert.equal(notMultipart.status, 400)
  })
})
