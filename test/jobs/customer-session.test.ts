/**
 * Customer sessions (issue 20) as a user runs them: `simopt run --type customer`, one instance per customer on
 * the stored usage (no sync, no push), results per SIM, one consolidated e-mail with a workbook of a Summary and
 * a sheet per customer, and the errors a wrong start gets.
 */
import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { simpleParser } from 'mailparser'
import { customerOutcomes, findTenant, listCustomers, openStore } from '../../src/store/index.js'
import { EXAMPLES } from '../helpers/paths.js'
import { eventually, simopt, simoptOk, sqliteLocal, startWorkerProcess, stopWorkerProcess, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'
import { webhookReceiver } from '../helpers/mail-receivers.js'
import { after } from 'node:test'

const CUSTOMERS = path.join(EXAMPLES, 'customers')

async function tenantWithCustomers(folder: string, sims: number) {
  const env: ServiceEnv = { ...sqliteLocal(folder), SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox') }
  await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', '2026-11', '--plans', path.join(EXAMPLES, 'plans.csv'), '--comm-plans', path.join(EXAMPLES, 'comm_plans.csv'), '--pools', path.join(EXAMPLES, 'pools.csv'), '--sims', path.join(EXAMPLES, 'sims.csv')])
  const lines = (await readFile(path.join(CUSTOMERS, 'customer_sims.csv'), 'utf8')).trim().split('\n')
  const file = path.join(folder, 'customer_sims.csv')
  await writeFile(file, `${lines.slice(0, sims + 1).join('\n')}\n`)
  await simoptOk(env, ['customers', 'import', '--tenant', 'acme', '--customer-plans', path.join(CUSTOMERS, 'customer_plans.csv'), '--customer-pools', path.join(CUSTOMERS, 'customer_pools.csv'), '--customers', file])
  await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example'])
  return env
}

describe('customer sessions', () => {
  it('optimize every customer as its own instance and end with one e-mail and one workbook', async () => {
    const folder = await tempDir()
    const env = await tenantWithCustomers(folder, 60)
    const run = await simoptOk(env, ['run', '--tenant', 'acme', '--type', 'customer', '--all-customers', '--period', '2026-11', '--wait'])
    const id = run.stdout.split('\n')[0]!
    assert.match(run.stderr, /status\s+done\s+100%/)
    const status = await simoptOk(env, ['status', id])
    assert.match(status.stdout, /status\s+done\s+100%/)
    assert.match(status.stdout, /customer CUST-001\s+10 SIMs, \$[\d,.]+ -> \$[\d,.]+ gap \d+\.\d{3}%\s+old method \$[\d,.]+/)

    const store = openStore(env.SIMOPT_DATABASE_URL!)
    try {
      const tenant = (await findTenant(store.db, 'acme'))!
      assert.equal((await listCustomers(store.db, tenant.id)).length, 6)
      const outcomes = await customerOutcomes(store.db, id)
      assert.deepEqual(outcomes.map((o) => [o.externalId, o.status, o.sims]), ['CUST-001', 'CUST-002', 'CUST-003', 'CUST-004', 'CUST-005', 'CUST-006'].map((c) => [c, 'done', 10]))
      for (const o of outcomes) {
        assert.ok(o.billAfter! <= o.billBefore! + 1e-9, `${o.externalId} is never billed more`)
        assert.ok(o.lowerBound! <= o.costAfter! + 1e-9, `${o.externalId}: the bound is below the cost`)
        assert.match(o.note!, /usage of 2026-11 as imported/, 'says how old the usage is')
      }
    } finally {
      await store.close()
    }

    // The results: a row per SIM, its customer in place of the communication plan.
    const out = path.join(folder, 'results.csv')
    await simoptOk(env, ['results', id, '--out', out])
    const rows = (await readFile(out, 'utf8')).trim().split('\n')
    assert.equal(rows.length, 61)
    assert.ok(rows.slice(1).every((row) => /^\d+,CUST-00\d,C-/.test(row)), rows[1])

    // One e-mail for the session, with the workbook: Summary, then a sheet per customer. No go / no-go: nothing is pushed.
    const mails = await Promise.all((await readdir(path.join(folder, 'outbox'))).map(async (file) => simpleParser(await readFile(path.join(folder, 'outbox', file)))))
    assert.deepEqual(mails.map((mail) => mail.subject), ['simopt: customer plans of acme for 2026-11 optimized'])
    assert.match(mails[0]!.text ?? '', /optimized the customer rate plans of 6 customers of tenant acme for 2026-11/)
    assert.match(mails[0]!.text ?? '', /CUST-001 \(Acme Logistics\): 10 SIMs/)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(mails[0]!.attachments[0]!.content as unknown as ArrayBuffer)
    assert.deepEqual(book.worksheets.map((sheet) => sheet.name), ['Summary', 'CUST-001', 'CUST-002', 'CUST-003', 'CUST-004', 'CUST-005', 'CUST-006'])
    assert.equal(book.getWorksheet('Summary')!.actualRowCount, 7)
    assert.equal(book.getWorksheet('CUST-003')!.actualRowCount, 11)

    // simopt report writes the same workbook from what is stored.
    const xlsx = path.join(folder, 'report.xlsx')
    assert.equal((await simoptOk(env, ['report', id, '--xlsx', xlsx])).stdout, `wrote the report of 60 SIMs to ${xlsx}\n`)
    const stored = new ExcelJS.Workbook()
    await stored.xlsx.readFile(xlsx)
    assert.equal(stored.worksheets.length, 7)
  })

  it('run one customer alone, and refuse a start that names no customer, an unknown one or a provider', async () => {
    const folder = await tempDir()
    const env = await tenantWithCustomers(folder, 12)
    const one = await simoptOk(env, ['run', '--tenant', 'acme', '--type', 'customer', '--customer', 'CUST-002', '--period', '2026-11', '--wait'])
    const store = openStore(env.SIMOPT_DATABASE_URL!)
    try {
      assert.deepEqual((await customerOutcomes(store.db, one.stdout.split('\n')[0]!)).map((o) => [o.externalId, o.sims]), [['CUST-002', 2]])
    } finally {
      await store.close()
    }
    const none = await simopt(env, ['run', '--tenant', 'acme', '--type', 'customer', '--period', '2026-11'])
    assert.equal(none.code, 2)
    assert.match(none.stderr, /takes --customer C or --all-customers, one of them/)
    const unknown = await simopt(env, ['run', '--tenant', 'acme', '--type', 'customer', '--customer', 'NOPE', '--period', '2026-11'])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /the tenant has no customer NOPE/)
    const provider = await simopt(env, ['run', '--tenant', 'acme', '--provider', 'main', '--type', 'customer', '--all-customers', '--period', '2026-11'])
    assert.equal(provider.code, 2)
    assert.match(provider.stderr, /option --provider is for carrier sessions/)
  })

  it('tell the webhook their progress, and an error when the customer price sheet cannot be priced', async () => {
    const receiver = await webhookReceiver()
    after(() => receiver.close())
    const folder = await tempDir()
    const env = await tenantWithCustomers(folder, 12)
    await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--webhook-url', receiver.url, '--webhook-secret', 'a webhook secret, long enough'])
    const id = (await simoptOk(env, ['run', '--tenant', 'acme', '--type', 'customer', '--all-customers', '--period', '2026-11', '--wait'])).stdout.split('\n')[0]!
    // What `--wait` did not deliver before it stopped, a worker does.
    const worker = startWorkerProcess(env)
    const parsed = () => receiver.calls.map((call) => JSON.parse(call.body) as { event: string; sessionId: string; status: string; percent: number }).filter((event) => event.sessionId === id)
    await eventually('the done event', async () => (parsed().some((event) => event.status === 'done') ? true : undefined), 120_000)
    await stopWorkerProcess(worker)
    const mine = parsed()
    assert.deepEqual([...new Set(mine.map((event) => event.status))], ['optimizing', 'finalizing', 'done'])
    assert.ok(mine.every((event) => event.event === 'progress'))
    assert.equal(mine.at(-1)!.percent, 100)

    // A customer plan file whose SIMs name a plan the sheet no longer has: the session fails, and the webhook says why.
    const plans = path.join(folder, 'plans.csv')
    await writeFile(plans, 'plan_code,monthly_rate,included_mb,overage_block_mb,overage_block_price,sms_rate,pooled\nC-ONLY,1,1,1,1,0,false\n')
    const store = openStore(env.SIMOPT_DATABASE_URL!)
    try {
      // Replace the sheet behind the memberships' back (as a later import of another sheet would, were it allowed to).
      const { readCustomerPlansFiles } = await import('../../src/io/index.js')
      const sheet = await readCustomerPlansFiles(plans)
      const { replaceCustomerPlansOnly } = await import('../helpers/customer-sheet.js')
      await replaceCustomerPlansOnly(store, 'acme', sheet.plans)
    } finally {
      await store.close()
    }
    const failed = await simopt(env, ['run', '--tenant', 'acme', '--type', 'customer', '--all-customers', '--period', '2026-11', '--wait'])
    assert.equal(failed.code, 1)
    const failedId = failed.stdout.split('\n')[0]!
    const again = startWorkerProcess(env)
    await eventually('the error event', async () => (receiver.calls.some((call) => call.body.includes(failedId) && call.body.includes('"error"')) ? true : undefined), 120_000)
    await stopWorkerProcess(again)
    const errors = receiver.calls.map((call) => JSON.parse(call.body) as { event: string; sessionId: string; message: string | null }).filter((event) => event.sessionId === failedId && event.event === 'error')
    assert.equal(errors.length, 1)
    assert.match(errors[0]!.message ?? '', /is billed on customer plan C-\S+, which the customer price sheet does not have/)
  })
})
