/** The service commands as a user runs them: settings checked at start, `npm start`'s demo, status and results. */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { simpleParser } from 'mailparser'
import { loadConfig } from '../../src/config.js'
import { simopt, simoptOk, sqliteLocal } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('service commands', () => {
  it('stop at start on a bad setting, naming the variable', async () => {
    const folder = await tempDir()
    const bad = await simopt({ ...sqliteLocal(folder), SIMOPT_QUEUE: 'kafka' }, ['status'])
    assert.equal(bad.code, 2)
    assert.equal(bad.stderr, 'simopt: setting SIMOPT_QUEUE: must be local or bullmq, got "kafka"\n')
    assert.throws(() => loadConfig({ SIMOPT_QUEUE: 'bullmq', SIMOPT_DATABASE_URL: 'postgres://x/y' }), /setting SIMOPT_REDIS_URL: must be set when SIMOPT_QUEUE is bullmq/)
    assert.throws(
      () => loadConfig({ SIMOPT_QUEUE: 'bullmq', SIMOPT_REDIS_URL: 'redis://127.0.0.1:6379' }),
      /setting SIMOPT_DATABASE_URL: must be postgres:\/\/… when SIMOPT_QUEUE is bullmq/,
    )
    assert.throws(() => loadConfig({ SIMOPT_DATABASE_URL: 'mysql://x' }), /setting SIMOPT_DATABASE_URL: must be sqlite:PATH or postgres/)
    assert.equal(loadConfig({ SIMOPT_QUEUE: '' }).queue, 'local', 'an empty variable is unset')
  })

  it("run npm start's demo session (on a Jasper simulator), then show its status, results, workbook and e-mail", async () => {
    const folder = await tempDir()
    const env = { ...sqliteLocal(folder), SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox'), SIMOPT_SECRET_KEY_FILE: path.join(folder, 'secret.key') }
    const demo = await simoptOk(env, ['demo'])
    assert.match(demo.stdout, /a Jasper simulator at http:\/\/127\.0\.0\.1:\d+ holds the demo fleet/)
    assert.match(demo.stderr, /sync\s+done/)
    assert.match(demo.stderr, /devices\s+3,000 seen\s+3,000 added/)
    const id = /details: +npm run --silent simopt -- status (\S+)/.exec(demo.stdout)?.[1]
    assert.ok(id, demo.stdout)
    assert.match(demo.stderr, /status\s+done\s+100%/)
    assert.match(demo.stderr, /SIMs\s+3,000/)
    assert.match(demo.stderr, /savings\s+\$[\d,]+\.\d\d  \(\d+\.\d%\)/, "in the provider's currency, USD by default")

    const status = await simoptOk(env, ['status', id])
    assert.match(status.stdout, /status\s+done\s+100%/)
    assert.match(status.stdout, /components\s+1 of 1 done/)
    assert.match(status.stdout, /session finalizing -> done/)
    const list = await simoptOk(env, ['status'])
    assert.match(list.stdout, new RegExp(`${id}\\s+demo\\s+demo\\s+\\d{4}-\\d{2}\\s+done`))

    const out = path.join(folder, 'out', 'assignment.csv')
    await simoptOk(env, ['results', id, '--out', out])
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n')
    assert.equal(lines[0], 'iccid,comm_plan,current_plan,new_plan,usage_mb,monthly,overage,sms_charge,cost_before,cost_after')
    assert.equal(lines.length, 3001)

    const workbook = path.join(folder, 'out', 'report.xlsx')
    await simoptOk(env, ['report', id, '--xlsx', workbook])
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile(workbook)
    assert.deepEqual(
      book.worksheets.map((sheet) => sheet.name),
      ['Summary', 'Assignments', 'Plans', 'Changes'],
    )
    assert.equal(book.getWorksheet('Assignments')!.actualRowCount, 3001)

    // The results e-mail (and the go / no-go: the demo account does not allow writes) in the outbox folder.
    const mails = await Promise.all((await readdir(path.join(folder, 'outbox'))).map(async (file) => simpleParser(await readFile(path.join(folder, 'outbox', file)))))
    const results = mails.find((mail) => mail.subject === `simopt: demo ${/period (\d{4}-\d{2})/.exec(demo.stdout)![1]} optimized`)
    assert.ok(results !== undefined, mails.map((mail) => mail.subject).join(', '))
    assert.match(JSON.stringify(results.to), /operations@demo\.example/)
    assert.equal(results.attachments[0]?.filename?.endsWith('.xlsx'), true)
    assert.ok(mails.some((mail) => /rate plan changes for demo/.test(mail.subject ?? '')))

    const missing = await simopt(env, ['results', 'no-such-session', '--out', path.join(folder, 'x.csv')])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /session no-such-session does not exist/)
  })
})
