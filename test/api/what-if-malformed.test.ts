/**
 * A multipart upload that is not well formed (no boundary, cut short, a broken part header) is the caller's
 * fault: 400 with a message, never 500; and a message about a field quotes what it was given cut short.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { writeGroups } from '../helpers/fleets.js'
import { startApiServer, tenantKeys } from '../helpers/api-server.js'
import { readFile } from 'node:fs/promises'

const server = await startApiServer()
const keys = await tenantKeys(server.store, 'acme')
const files = await writeGroups(path.join(server.folder, 'fleet'), 1, 50, 4, 3)
const BOUNDARY = 'simoptBoundary42'

function part(name: string, content: string | Buffer, filename = `${name}.csv`): Buffer {
  return Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')])
}

async function post(payload: Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
  const answer = await server.app.inject({ method: 'POST', url: '/api/what-if', headers: { authorization: `Bearer ${keys.operator}`, 'content-type': contentType }, payload })
  return { status: answer.statusCode, body: answer.json() as { code: string; message: string } }
}

const complete = async () =>
  Buffer.concat([part('plans', await readFile(files.plans)), part('commPlans', await readFile(files.commPlans)), part('sims', await readFile(files.sims)), Buffer.from(`--${BOUNDARY}--\r\n`)])

describe('what-if with a malformed upload', () => {
  it('answers 200 to the well-formed upload these cases break', async () => {
    const answer = await post(await complete())
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
  })

  it('answers 400, not 500, to a multipart body without a boundary', async () => {
    const answer = await post(await complete(), 'multipart/form-data')
    assert.equal(answer.status, 400, JSON.stringify(answer.body))
    assert.match(answer.body.message, /^body: not a well-formed multipart upload: /)
  })

  it('answers 400, not 500, to a body cut short in the middle of a file', async () => {
    const whole = await complete()
    const answer = await post(whole.subarray(0, Math.floor(whole.length / 2)))
    assert.equal(answer.status, 400, JSON.stringify(answer.body))
    assert.match(answer.body.message, /^body: not a well-formed multipart upload: /)
  })

  it('quotes an unknown field name cut and escaped', async () => {
    const name = `\u0007${'f'.repeat(5000)}`
    const answer = await post(Buffer.concat([part(name, 'a,b\n'), Buffer.from(`--${BOUNDARY}--\r\n`)]))
    assert.equal(answer.status, 400, JSON.stringify(answer.body))
    assert.equal(answer.body.message, `body/"\\u0007${'f'.repeat(59)}…" (cut; 5001 characters in all) is not an upload field (plans, commPlans, sims, pools)`)
  })

  it('answers a CSV field of a megabyte with a message of a line, not the megabyte', async () => {
    const sims = (await readFile(files.sims, 'utf8')).split('\n')
    const cells = sims[1]!.split(',')
    cells[1] = '5'.repeat(1_000_000)
    sims[1] = cells.join(',')
    const payload = Buffer.concat([part('plans', await readFile(files.plans)), part('commPlans', await readFile(files.commPlans)), part('sims', sims.join('\n')), Buffer.from(`--${BOUNDARY}--\r\n`)])
    const answer = await post(payload)
    assert.equal(answer.status, 400, JSON.stringify(answer.body).slice(0, 300))
    assert.ok(answer.body.message.length < 200, `an error of ${answer.body.message.length} characters`)
    assert.match(answer.body.message, /^sims\.csv, line 2, column \d+ \(usage_mb\): must be a number below 1e308, got "5{60}…" \(cut; 1000000 characters in all\)$/)
  })
})
