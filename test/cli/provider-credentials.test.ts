/**
 * A carrier account's credentials and address, at the command line as a user runs it: an admin could send
 * the stored API key to any host by changing only the URL (metadata addresses such as 169.254.169.254
 * included), and a URL with a password in it was stored, listed, and echoed in the session message, the
 * stage history and the sync-error e-mail.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { simpleParser } from 'mailparser'
import { billingPeriodAt } from '../../src/domain/index.js'
import { EXAMPLES } from '../helpers/paths.js'
import { simopt, simoptOk, sqliteLocal, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const PERIOD = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
const SECRET = 's3cret-in-url'

/** An HTTP server that counts the requests it gets and the Authorization headers they carry: a host the credentials must never reach. */
async function listener(): Promise<{ url: string; authorizations: string[] }> {
  const authorizations: string[] = []
  const server: Server = createServer((request, response) => {
    authorizations.push(request.headers.authorization ?? '')
    response.writeHead(500).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, authorizations }
}

async function addProvider(env: ServiceEnv, url: string): Promise<void> {
  await simoptOk(env, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', url, '--user', 'demo', '--api-key', 'stored-api-key'])
  await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', PERIOD, '--plans', path.join(EXAMPLES, 'plans.csv'), '--pools', path.join(EXAMPLES, 'pools.csv'), '--comm-plans', path.join(EXAMPLES, 'comm_plans.csv')])
}

/** Runs a session to its end; it must fail. Gives its message, stage history and e-mails as one text. */
async function failedSession(env: ServiceEnv): Promise<{ message: string; everything: string }> {
  const run = await simopt(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', PERIOD, '--wait'])
  assert.equal(run.code, 1, run.stderr)
  const id = run.stdout.trim()
  const status = await simoptOk(env, ['status', id])
  const store = storeFor(env)
  try {
    const session = await store.db.selectFrom('sessions').select(['status', 'message']).where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(session.status, 'failed')
    const transitions = await store.db.selectFrom('state_transitions').select('message').execute()
    const mails = await store.db.selectFrom('outbox').select(['kind', 'body']).execute()
    assert.ok(mails.some((mail) => mail.kind === 'sync-error'), 'the sync-error e-mail was written')
    // Raw and decoded: quoted-printable could split a password over two lines.
    const bodies = await Promise.all(mails.map(async (mail) => [Buffer.from(mail.body).toString('utf8'), (await simpleParser(Buffer.from(mail.body))).text ?? '']))
    const everything = [run.stderr, status.stdout, status.stderr, ...transitions.map((row) => row.message ?? ''), ...bodies.flat()].join('\n')
    return { message: session.message ?? '', everything }
  } finally {
    await store.close()
  }
}

function envOf(folder: string, extra: ServiceEnv = {}): ServiceEnv {
  return { ...sqliteLocal(folder), SIMOPT_SECRET_KEY: 'credentials test key, long enough', ...extra }
}

describe('carrier account credentials', () => {
  it('are not kept for a new URL given without them, and never sent to an address they were not given for', async () => {
    const folder = await tempDir()
    const env = envOf(folder)
    await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example'])
    const carrier = await listener()
    const attacker = await listener()
    await addProvider(env, carrier.url)

    for (const credentials of [[], ['--api-key', 'other-key'], ['--user', 'other-user']]) {
      const moved = await simopt(env, ['provider', 'set', '--tenant', 'acme', '--name', 'main', '--url', attacker.url, ...credentials])
      assert.equal(moved.code, 2, `set --url ${credentials.join(' ')}: ${moved.stderr}`)
      assert.match(moved.stderr, /option --url: a new address needs the credentials again: give --user and --api-key with it/)
    }
    const listed = await simoptOk(env, ['provider', 'list', '--tenant', 'acme'])
    assert.match(listed.stdout, new RegExp(`main  jasper  ${carrier.url}  `), 'nothing was changed')

    // A URL changed behind the CLI's back (or by a version before this check): the sealed credentials say where they belong.
    const store = storeFor(env)
    await store.db.updateTable('service_providers').set({ base_url: attacker.url }).execute()
    await store.close()
    const { message } = await failedSession(env)
    assert.match(message, /provider main's credentials were given for another API address than http:\/\/127\.0\.0\.1:\d+; give them again with it/)
    assert.deepEqual(attacker.authorizations, [], 'the stored API key never reached the new address')

    await simoptOk(env, ['provider', 'set', '--tenant', 'acme', '--name', 'main', '--url', attacker.url, '--user', 'new-user', '--api-key', 'new-key'])
    await simoptOk(env, ['provider', 'set', '--tenant', 'acme', '--name', 'main', '--url', attacker.url, '--write-enabled'])
  })

  it('are refused for loopback, private and link-local addresses unless the operator allows them (169.254.169.254 was accepted)', async () => {
    const folder = await tempDir()
    const strict = envOf(folder, { SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'false' })
    for (const url of ['http://169.254.169.254', 'http://[::ffff:169.254.169.254]', 'http://127.0.0.1:8080', 'http://[::1]:8080', 'http://10.0.0.7', 'http://localhost:8080']) {
      const added = await simopt(strict, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', url, '--user', 'u', '--api-key', 'k'])
      assert.equal(added.code, 2, `${url}: ${added.stderr}`)
      assert.match(added.stderr, /option --url: .* is a loopback, private or link-local address, not a carrier's \(SIMOPT_ALLOW_PRIVATE_CARRIER_URLS=true allows it\)/)
    }
    assert.match((await simopt(strict, ['provider', 'list', '--tenant', 'acme'])).stdout, /tenant acme has no providers|^$/)

    // Stored where it was allowed; used where it is not: nothing is called.
    await simoptOk(strict, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example'])
    const local = await listener()
    await addProvider(envOf(folder), local.url)
    const { message } = await failedSession(strict)
    assert.match(message, /provider main's API address 127\.0\.0\.1:\d+ is a loopback, private or link-local address/)
    assert.deepEqual(local.authorizations, [])
    const moved = await simopt(strict, ['provider', 'set', '--tenant', 'acme', '--name', 'main', '--url', 'http://169.254.169.254/', '--user', 'u', '--api-key', 'k'])
    assert.equal(moved.code, 2)
  })

  it('are refused in a URL, and a URL with a password stored before is never shown with it (it leaked into messages and e-mails)', async () => {
    const folder = await tempDir()
    const env = envOf(folder)
    const withPassword = `http://user:${SECRET}@127.0.0.1:9`
    const added = await simopt(env, ['provider', 'add', '--tenant', 'acme', '--name', 'main', '--url', withPassword, '--user', 'u', '--api-key', 'k'])
    assert.equal(added.code, 2)
    assert.match(added.stderr, /option --url: must not carry a user name or password \(http:\/\/user:\*\*\*@127\.0\.0\.1:9\)/)
    assert.doesNotMatch(added.stderr, new RegExp(SECRET))

    await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example'])
    await addProvider(env, 'http://127.0.0.1:9')
    const set = await simopt(env, ['provider', 'set', '--tenant', 'acme', '--name', 'main', '--url', withPassword, '--user', 'u', '--api-key', 'k'])
    assert.equal(set.code, 2)
    assert.doesNotMatch(set.stderr, new RegExp(SECRET))

    // As a version that took such URLs stored it.
    const store = storeFor(env)
    await store.db.updateTable('service_providers').set({ base_url: withPassword }).execute()
    await store.close()
    const listed = await simoptOk(env, ['provider', 'list', '--tenant', 'acme'])
    assert.match(listed.stdout, /main  jasper  http:\/\/user:\*\*\*@127\.0\.0\.1:9  /)
    const { message, everything } = await failedSession(env)
    assert.match(message, /must not carry a user name or password \(http:\/\/user:\*\*\*@127\.0\.0\.1:9\)/)
    assert.doesNotMatch(everything, new RegExp(SECRET))
  })
})
