/**
 * E-mails and webhooks as a user meets them: sessions run by the real command line, results e-mailed
 * through a real SMTP server on loopback (parsed back, workbook attached and read), an SMTP server that
 * is down and comes back (the message waits in the outbox and arrives once), a webhook receiver that
 * checks signatures, order and the final 100%, and a tenant without recipients (a configuration error
 * shown by `simopt status`, fixed and sent again).
 */
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import path from 'node:path'
import { after, describe, it, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import ExcelJS from 'exceljs'
import { simpleParser } from 'mailparser'
import { SmtpReceiver, webhookReceiver } from '../helpers/mail-receivers.js'
import { writeGroups } from '../helpers/fleets.js'
import { freshPostgresDatabase, freshRedisPrefix } from '../helpers/services.js'
import {
  RUN_ARGS,
  postgresBullmq,
  eventually,
  importArgs,
  sessionEnd,
  simopt,
  simoptOk,
  sqliteLocal,
  startWorkerProcess,
  stopWorkerProcess,
  storeFor,
  type ServiceEnv,
} from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const SECRET = 'webhook-secret-for-tests'

/** A fleet of two groups imported for tenant acme, deliveries retried quickly. */
async function importedEnv(extra: ServiceEnv = {}, folder?: string): Promise<{ env: ServiceEnv; folder: string }> {
  folder ??= await tempDir()
  const env: ServiceEnv = {
    ...sqliteLocal(folder),
    SIMOPT_SECRET_KEY_FILE: path.join(folder, 'secret.key'),
    SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox'),
    SIMOPT_DELIVERY_RETRY_MS: '200',
    SIMOPT_DELIVERY_RETRIES: '8',
    ...extra,
  }
  const files = await writeGroups(path.join(folder, 'fleet'), 2, 300)
  await simoptOk(env, importArgs(files))
  return { env, folder }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The id of the session's results e-mail in the outbox. */
async function storeResultsMessageId(env: ServiceEnv, sessionId: string): Promise<string> {
  const store = storeFor(env)
  try {
    return (await store.db.selectFrom('outbox').select('id').where('session_id', '=', sessionId).where('kind', '=', 'results').executeTakeFirstOrThrow()).id
  } finally {
    await store.close()
  }
}

function sessionIdOf(stdout: string): string {
  return stdout.split('\n')[0]!.trim()
}

describe('results e-mail through SMTP', () => {
  const smtp = new SmtpReceiver()
  after(() => smtp.stop())

  it('arrives with the tenant subject and the workbook attached, whose sheets add up to the session', async () => {
    await smtp.start()
    const { env } = await importedEnv({ SIMOPT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` })
    await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example', '--subject', 'results=Results {provider} {period}'])
    const run = await simoptOk(env, [...RUN_ARGS, '--wait'])
    const sessionId = sessionIdOf(run.stdout)
    // The results, and the go / no-go for the changes (a no-go: the provider does not allow writes).
    await eventually('the e-mails', async () => (smtp.messages.length >= 2 ? true : undefined), 30_000)
    const mails = await Promise.all(smtp.messages.map((message) => simpleParser(message)))
    assert.deepEqual(mails.map((m) => m.subject).sort(), ['Results main 2026-11', 'simopt: rate plan changes for main 2026-11'])
    const mail = mails.find((m) => m.subject === 'Results main 2026-11')!
    assert.match(JSON.stringify(mail.to), /ops@acme\.example/)
    assert.match(mail.text ?? '', new RegExp(`session ${sessionId} optimized main`))
    assert.equal(mail.attachments.length, 1)
    const attachment = mail.attachments[0]!
    assert.equal(attachment.filename, 'simopt-main-2026-11.xlsx')

    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(attachment.content as unknown as ArrayBuffer)
    assert.deepEqual(
      workbook.worksheets.map((sheet) => sheet.name),
      ['Summary', 'Assignments', 'Plans', 'Changes'],
    )
    const store = storeFor(env)
    try {
      const instance = await store.db.selectFrom('instances').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow()
      const assignments = workbook.getWorksheet('Assignments')!
      assert.equal(assignments.actualRowCount - 1, instance.sims)
      const header = (assignments.getRow(1).values as unknown[]).map(String)
      const sum = (title: string) => {
        const column = header.indexOf(title)
        assert.ok(column > 0, `Assignments has a ${title} column: ${header.join(', ')}`)
        let total = 0
        assignments.eachRow((row, number) => {
          if (number > 1) total += Number(row.getCell(column).value)
        })
        return total
      }
      assert.ok(Math.abs(sum('Cost before') - instance.cost_before!) < 1e-6, 'cost before adds up')
      assert.ok(Math.abs(sum('Cost after') - instance.cost_after!) < 1e-6, 'cost after adds up')
      assert.equal(workbook.getWorksheet('Changes')!.actualRowCount - 1, instance.changes)
      const outbox = await store.db.selectFrom('outbox').selectAll().where('session_id', '=', sessionId).execute()
      assert.deepEqual(
        outbox.map((row) => [row.channel, row.kind, row.status, row.attempts]).sort(),
        [
          ['email', 'go-no-go', 'sent', 1],
          ['email', 'results', 'sent', 1],
        ],
      )
    } finally {
      await store.close()
    }
  })
})

/** The two ways the service runs: SQLite with the local queue, PostgreSQL with BullMQ on Redis. */
const BACKENDS: readonly { name: string; env(t: TestContext, folder: string): Promise<ServiceEnv | undefined> }[] = [
  { name: 'SQLite/local', env: async (_t, folder) => sqliteLocal(folder) },
  {
    name: 'PostgreSQL/BullMQ',
    env: async (t) => {
      const databaseUrl = await freshPostgresDatabase(t)
      const redis = databaseUrl === undefined ? undefined : await freshRedisPrefix(t)
      return databaseUrl === undefined || redis === undefined ? undefined : postgresBullmq(databaseUrl, redis)
    },
  },
]

describe('an SMTP server that is down', () => {
  for (const backend of BACKENDS) {
    it(`keeps the message in the outbox until it is back, then delivers it exactly once (${backend.name})`, async (t) => {
      const smtp = new SmtpReceiver()
      after(() => smtp.stop())
      const port = await freePort()
      const folder = await tempDir()
      const base = await backend.env(t, folder)
      if (base === undefined) return
      const { env } = await importedEnv({ ...base, SIMOPT_SMTP_URL: `smtp://127.0.0.1:${port}` }, folder)
      await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example'])
      const worker = startWorkerProcess(env)
      const store = storeFor(env)
      try {
        const sessionId = sessionIdOf((await simoptOk(env, RUN_ARGS)).stdout)
        assert.equal((await sessionEnd(store, sessionId)).status, 'done')
        const waiting = await eventually('two failed attempts', async () => {
          const row = await store.db.selectFrom('outbox').selectAll().where('session_id', '=', sessionId).where('kind', '=', 'results').executeTakeFirst()
          return row !== undefined && row.attempts >= 2 ? row : undefined
        })
        assert.equal(waiting.status, 'pending')
        assert.match(waiting.error ?? '', /ECONNREFUSED/)
        const listed = await simoptOk(env, ['outbox', '--status', 'pending'])
        assert.match(listed.stdout, /pending, \d+ attempts\s+e-mail results to ops@acme\.example/)

        await smtp.start(port)
        await eventually('the message sent', async () => {
          const row = await store.db.selectFrom('outbox').select('status').where('id', '=', waiting.id).executeTakeFirstOrThrow()
          return row.status === 'sent' ? true : undefined
        })
        // Long enough for a second delivery to show up, were there one.
        await sleep(1500)
        const ids = (await Promise.all(smtp.messages.map((message) => simpleParser(message)))).map((mail) => mail.messageId)
        assert.equal(ids.filter((id) => id === `<${waiting.id}@simopt>`).length, 1, 'the results e-mail arrived exactly once')
        assert.equal(new Set(ids).size, ids.length, 'no message arrived twice')
      } finally {
        await stopWorkerProcess(worker)
        await store.close()
      }
    })
  }
})

describe('progress webhook', () => {
  it('receives every stage signed, in order, through failures, ending at 100%; a failed session as an error', async () => {
    const receiver = await webhookReceiver(2)
    after(() => receiver.close())
    const { env } = await importedEnv()
    await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--webhook-url', receiver.url, '--webhook-secret', SECRET])
    const first = sessionIdOf((await simoptOk(env, [...RUN_ARGS, '--wait'])).stdout)

    const accepted = () => receiver.calls.filter((call) => call.answered === 204).map((call) => ({ call, event: JSON.parse(call.body) as Record<string, unknown> }))
    for (const { call } of receiver.calls.map((c) => ({ call: c }))) {
      assert.equal(call.signature, `sha256=${createHmac('sha256', SECRET).update(call.body).digest('hex')}`, 'every body is signed')
    }
    assert.ok(receiver.calls.slice(0, 2).every((call) => call.answered === 503), 'the first two were refused and retried')
    const events = accepted().map(({ event }) => event)
    assert.deepEqual(
      events.map((event) => event.sequence),
      events.map((_, index) => index + 1),
      'each event once, in the order written',
    )
    // Two components: the first one done is half the optimization.
    assert.deepEqual(
      events.map((event) => [event.status, event.percent]),
      [
        ['optimizing', 5],
        ['optimizing', 52],
        ['finalizing', 95],
        ['done', 100],
      ],
    )
    assert.ok(events.every((event) => event.sessionId === first && event.tenant === 'acme' && event.provider === 'main' && event.period === '2026-11'))

    // Bad data in the database fails the next session: the portal hears it as an error.
    const store = storeFor(env)
    try {
      await store.db.updateTable('rate_plans').set({ overage_block_mb: 0 }).where('code', '=', 'G1-PAYG').execute()
    } finally {
      await store.close()
    }
    const failedRun = await simopt(env, [...RUN_ARGS, '--wait'])
    assert.equal(failedRun.code, 1)
    const failed = sessionIdOf(failedRun.stdout)
    const last = await eventually('the error event', async () => accepted().map(({ event }) => event).find((event) => event.sessionId === failed && event.event === 'error'))
    assert.equal(last.status, 'failed')
    assert.match(String(last.message), /overage block size of 0 MB/)
  })
})

describe('a tenant without recipients', () => {
  it('gets a clear configuration error in simopt status, not a crash; once set, the message is sent again', async () => {
    const { env, folder } = await importedEnv()
    const run = await simoptOk(env, [...RUN_ARGS, '--wait'])
    const sessionId = sessionIdOf(run.stdout)
    const status = await simoptOk(env, ['status'])
    assert.match(status.stdout, /messages not sent/)
    assert.match(status.stdout, /no recipients for results e-mails of tenant acme: simopt tenant set --tenant acme --email-to ADDRESS/)
    const detail = await simoptOk(env, ['status', sessionId])
    const id = /([0-9a-f-]{36})\s+unaddressed\s+e-mail results/.exec(detail.stdout)?.[1]
    assert.ok(id !== undefined, detail.stdout)

    const early = await simopt(env, ['outbox', 'resend', id])
    assert.equal(early.code, 2)
    assert.match(early.stderr, /still no recipients for results e-mails of tenant acme/)
    await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email', 'results=late@acme.example'])
    await simoptOk(env, ['outbox', 'resend', id])
    const worker = startWorkerProcess(env)
    try {
      const file = await eventually('the .eml file', async () => (await readdir(path.join(folder, 'outbox')).catch(() => [])).find((name) => name === `${id}.eml`))
      const mail = await simpleParser(await readFile(path.join(folder, 'outbox', file)))
      assert.match(JSON.stringify(mail.to), /late@acme\.example/)
      assert.equal(mail.attachments[0]?.filename, 'simopt-main-2026-11.xlsx')
    } finally {
      await stopWorkerProcess(worker)
    }
  })
})

describe('a workbook too big to e-mail', () => {
  it('is attached without the sheets that do not fit, and the e-mail says how to get the whole one', async () => {
    const folder = await tempDir()
    const env: ServiceEnv = {
      ...sqliteLocal(folder),
      SIMOPT_SECRET_KEY_FILE: path.join(folder, 'secret.key'),
      SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox'),
      SIMOPT_MAX_ATTACHMENT_MB: '0.1',
    }
    const files = await writeGroups(path.join(folder, 'fleet'), 2, 2000)
    await simoptOk(env, importArgs(files))
    await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example'])
    const sessionId = sessionIdOf((await simoptOk(env, [...RUN_ARGS, '--wait'])).stdout)
    const results = await storeResultsMessageId(env, sessionId)
    const mail = await simpleParser(await readFile(path.join(folder, 'outbox', `${results}.eml`)))
    assert.match(mail.text ?? '', new RegExp(`leaves out the Assignments (and Changes )?sheets?: with 4,000 SIMs the whole one is too big for e-mail\\. The whole workbook: simopt report ${sessionId} --xlsx FILE`))
    const attachment = mail.attachments[0]!
    assert.ok(attachment.size <= 0.1 * 1024 * 1024, `${attachment.size} bytes`)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(attachment.content as unknown as ArrayBuffer)
    const sheets = workbook.worksheets.map((sheet) => sheet.name)
    assert.ok(!sheets.includes('Assignments'), sheets.join(', '))
    assert.deepEqual(sheets.slice(0, 1), ['Summary'])

    // The whole workbook, from what is stored.
    const whole = path.join(folder, 'whole.xlsx')
    await simoptOk(env, ['report', sessionId, '--xlsx', whole, '--csv', path.join(folder, 'whole.csv')])
    const full = new ExcelJS.Workbook()
    await full.xlsx.readFile(whole)
    assert.deepEqual(
      full.worksheets.map((sheet) => sheet.name),
      ['Summary', 'Assignments', 'Plans', 'Changes'],
    )
    assert.equal(full.getWorksheet('Assignments')!.actualRowCount, 4001)
    assert.equal((await readFile(path.join(folder, 'whole.csv'), 'utf8')).trimEnd().split('\n').length, 4001)
  })
})
