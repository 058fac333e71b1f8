/**
 * A Telegence provider as a user adds and changes it, at the command line and on the API: a Mobility
 * provider, its app-id / app-secret, FAN and SFTP login sealed and never listed, its feed settings, and a new
 * SFTP address that needs the SFTP password again.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { openCredentials } from '../../src/store/provider-credentials.js'
import { secretBox } from '../../src/store/secret-box.js'
import { call, startApiServer, tenantKeys } from '../helpers/api-server.js'
import { simopt, simoptOk, sqliteLocal, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const KEY = 'telegence provider test key, long enough'
const ACCOUNT = ['--url', 'https://telegence.example.com', '--client-id', 'app-id-1', '--client-secret', 'app-secret-value', '--account', '90000001']
const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n'

async function stored(service: ServiceEnv, name: string) {
  const store = storeFor(service)
  try {
    const row = await store.db.selectFrom('service_providers').select(['integration', 'credentials', 'settings']).where('name', '=', name).executeTakeFirstOrThrow()
    return { integration: row.integration, settings: JSON.parse(row.settings), credentials: openCredentials(secretBox(loadConfig({ SIMOPT_SECRET_KEY: KEY })), row.credentials!) }
  } finally {
    await store.close()
  }
}

describe('a Telegence provider', () => {
  it('is a Mobility provider with its app credentials, FAN and SFTP login sealed, and its feed settings', async () => {
    const folder = await tempDir()
    const service: ServiceEnv = { ...sqliteLocal(folder), SIMOPT_SECRET_KEY: KEY }
    await simoptOk(service, ['provider', 'add', '--tenant', 'acme', '--name', 'att', '--integration', 'telegence', ...ACCOUNT, '--sftp-url', 'sftp://sftp.example.com:2222/outbound', '--user', 'feed', '--password', 'sftp-password-value', '--feed-stale-hours', '12'])
    const added = await stored(service, 'att')
    assert.equal(added.integration, 'telegence')
    assert.deepEqual(added.credentials, { user: 'feed', apiKey: 'sftp-password-value', url: 'https://telegence.example.com', carrierAccount: { clientId: 'app-id-1', clientSecret: 'app-secret-value', accountName: '90000001' } })
    assert.equal(added.settings.fleet, 'mobility')
    assert.deepEqual(added.settings.usageFeed, { sftpUrl: 'sftp://sftp.example.com:2222/outbound', refetchDays: 3, staleHours: 12 })
    const listed = await simoptOk(service, ['provider', 'list', '--tenant', 'acme'])
    assert.match(listed.stdout, /att {2}telegence/)
    assert.match(listed.stdout, /usage files at sftp:\/\/sftp\.example\.com:2222\/outbound \(last 3 days fetched, stale after 12 h\)/)
    assert.doesNotMatch(listed.stdout, /app-secret-value|sftp-password-value/)

    // A new SFTP address needs the password again; the other feed settings are kept.
    const moved = await simopt(service, ['provider', 'set', '--tenant', 'acme', '--name', 'att', '--sftp-url', 'sftp://elsewhere.example.com/outbound'])
    assert.notEqual(moved.code, 0)
    assert.match(moved.stderr, /option --sftp-url: a new SFTP address needs the SFTP login's password again: give --api-key with it/)
    await simoptOk(service, ['provider', 'set', '--tenant', 'acme', '--name', 'att', '--sftp-url', 'sftp://elsewhere.example.com/outbound', '--password', 'new-password', '--feed-refetch-days', '7'])
    const changed = await stored(service, 'att')
    assert.deepEqual(changed.settings.usageFeed, { sftpUrl: 'sftp://elsewhere.example.com/outbound', refetchDays: 7, staleHours: 12 })
    assert.equal(changed.credentials.apiKey, 'new-password')

    // A key login: the key's text sealed, no password.
    const keyFile = path.join(folder, 'feed_key')
    await writeFile(keyFile, PRIVATE_KEY)
    await simoptOk(service, ['provider', 'add', '--tenant', 'acme', '--name', 'att-key', '--integration', 'telegence', ...ACCOUNT, '--sftp-url', 'sftp://sftp.example.com/outbound', '--user', 'feed', '--sftp-key-file', keyFile])
    const byKey = await stored(service, 'att-key')
    assert.equal(byKey.credentials.sftpKey, PRIVATE_KEY)
    assert.equal(byKey.credentials.apiKey, '')
    assert.doesNotMatch((await simoptOk(service, ['provider', 'list', '--tenant', 'acme'])).stdout, /PRIVATE KEY/)
    // A new API address needs the app-secret again (it goes there), not the SFTP login (it does not).
    const newApi = await simopt(service, ['provider', 'set', '--tenant', 'acme', '--name', 'att-key', '--url', 'https://other.example.com'])
    assert.notEqual(newApi.code, 0)
    assert.match(newApi.stderr, /option --url: a new address needs the credentials again: give --client-secret with it too/)
    await simoptOk(service, ['provider', 'set', '--tenant', 'acme', '--name', 'att-key', '--url', 'https://other.example.com', '--client-secret', 'rotated'])
    const moved2 = await stored(service, 'att-key')
    assert.deepEqual([moved2.credentials.url, moved2.credentials.carrierAccount?.clientSecret, moved2.credentials.sftpKey], ['https://other.example.com', 'rotated', PRIVATE_KEY])
    const both = await simopt(service, ['provider', 'add', '--tenant', 'acme', '--name', 'att-both', '--integration', 'telegence', ...ACCOUNT, '--sftp-url', 'sftp://sftp.example.com/o', '--user', 'feed', '--sftp-key-file', keyFile, '--password', 'p'])
    assert.match(both.stderr, /give --sftp-key-file or --password, not both/)
  })
})

describe('a Telegence provider on the API', () => {
  it('is created with its SFTP folder and key, and refused without the folder', async () => {
    const server = await startApiServer()
    const acme = await tenantKeys(server.store, 'acme')
    const body = { name: 'att', integration: 'telegence', url: 'https://telegence.example.com', clientId: 'id', clientSecret: 'secret', accountName: '90000001', user: 'feed', sftpKey: PRIVATE_KEY }
    const refused = await call(server, 'POST', '/api/tenants/acme/providers', { key: acme.admin, body })
    assert.deepEqual([refused.status, refused.body.code, refused.body.field], [400, 'INPUT_INVALID', 'body/sftpUrl'])
    const made = await call(server, 'POST', '/api/tenants/acme/providers', { key: acme.admin, body: { ...body, sftpUrl: 'sftp://sftp.example.com/outbound' } })
    assert.equal(made.status, 201, JSON.stringify(made.body))
    assert.equal(made.body.integration, 'telegence')
    assert.equal(made.body.hasCredentials, true)
    assert.doesNotMatch(JSON.stringify(made.body), /secret|PRIVATE/)
  })
})
