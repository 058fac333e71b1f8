/**
 * A ThingSpace provider at the command line as a user adds and changes it, and on the API: the fields it
 * needs, its secrets sealed and never listed, and a new address that needs every secret again.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { openCredentials } from '../../src/store/provider-credentials.js'
import { secretBox } from '../../src/store/secret-box.js'
import { loadConfig } from '../../src/config.js'
import { simopt, simoptOk, sqliteLocal, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'
import { call, startApiServer, tenantKeys } from '../helpers/api-server.js'

const KEY = 'thingspace provider test key, long enough'
const ACCOUNT = ['--client-id', 'app-key', '--client-secret', 'app-secret-value', '--user', 'uws-user', '--password', 'uws-password-value', '--account', '0000123456-00001']

async function env(): Promise<ServiceEnv> {
  return { ...sqliteLocal(await tempDir()), SIMOPT_SECRET_KEY: KEY }
}

async function sealed(service: ServiceEnv) {
  const store = storeFor(service)
  try {
    const row = await store.db.selectFrom('service_providers').select(['integration', 'credentials']).executeTakeFirstOrThrow()
    return { integration: row.integration, credentials: openCredentials(secretBox(loadConfig({ SIMOPT_SECRET_KEY: KEY })), row.credentials!) }
  } finally {
    await store.close()
  }
}

describe('a ThingSpace provider', () => {
  it('is added with its client id and secret, session login and account, all sealed and never listed', async () => {
    const service = await env()
    const added = await simoptOk(service, ['provider', 'add', '--tenant', 'acme', '--name', 'verizon', '--integration', 'thingspace', '--url', 'https://thingspace.example.com', ...ACCOUNT])
    assert.match(added.stdout, /added provider verizon \(thingspace\)/)
    const { integration, credentials } = await sealed(service)
    assert.equal(integration, 'thingspace')
    assert.deepEqual(credentials, {
      user: 'uws-user',
      apiKey: 'uws-password-value',
      url: 'https://thingspace.example.com',
      carrierAccount: { clientId: 'app-key', clientSecret: 'app-secret-value', accountName: '0000123456-00001' },
    })
    const listed = await simoptOk(service, ['provider', 'list', '--tenant', 'acme'])
    assert.doesNotMatch(listed.stdout, /app-secret-value|uws-password-value/)

    // One secret changed: the others are kept.
    await simoptOk(service, ['provider', 'set', '--tenant', 'acme', '--name', 'verizon', '--client-secret', 'rotated-secret'])
    assert.equal((await sealed(service)).credentials.carrierAccount?.clientSecret, 'rotated-secret')
    assert.equal((await sealed(service)).credentials.apiKey, 'uws-password-value')

    // A new address needs the client secret as well as the login.
    const moved = await simopt(service, ['provider', 'set', '--tenant', 'acme', '--name', 'verizon', '--url', 'https://other.example.com', '--user', 'uws-user', '--password', 'uws-password-value'])
    assert.notEqual(moved.code, 0)
    assert.match(moved.stderr, /--client-secret/)
    await simoptOk(service, ['provider', 'set', '--tenant', 'acme', '--name', 'verizon', '--url', 'https://other.example.com', '--user', 'uws-user', '--password', 'uws-password-value', '--client-secret', 'rotated-secret'])
    assert.equal((await sealed(service)).credentials.url, 'https://other.example.com')
  })

  it('is refused without its client id, secret or account', async () => {
    const service = await env()
    const run = await simopt(service, ['provider', 'add', '--tenant', 'acme', '--name', 'verizon', '--integration', 'thingspace', '--url', 'https://thingspace.example.com', '--user', 'u', '--password', 'p'])
    assert.notEqual(run.code, 0)
    assert.match(run.stderr, /option --client-id is required for a thingspace provider/)
    const both = await simopt(service, ['provider', 'add', '--tenant', 'acme', '--name', 'verizon', '--integration', 'thingspace', '--url', 'https://thingspace.example.com', ...ACCOUNT, '--api-key', 'k'])
    assert.match(both.stderr, /--api-key or --password, not both/)
  })
})

describe('a ThingSpace provider on the API', () => {
  it('is created with clientId, clientSecret and accountName, and refused without them', async () => {
    // startApiServer closes it after the file's tests.
    const server = await startApiServer()
    const acme = await tenantKeys(server.store, 'acme')
    const body = { name: 'verizon', integration: 'thingspace', url: 'https://thingspace.example.com', user: 'u', apiKey: 'p', clientId: 'id' }
    const refused = await call(server, 'POST', '/api/tenants/acme/providers', { key: acme.admin, body })
    assert.deepEqual([refused.status, refused.body.code, refused.body.field], [400, 'INPUT_INVALID', 'body/clientSecret'])
    const made = await call(server, 'POST', '/api/tenants/acme/providers', { key: acme.admin, body: { ...body, clientSecret: 'secret', accountName: '0000123456-00001' } })
    assert.equal(made.status, 201, JSON.stringify(made.body))
    assert.equal(made.body.integration, 'thingspace')
    assert.equal(made.body.hasCredentials, true)
    assert.doesNotMatch(JSON.stringify(made.body), /secret/)
  })
})
