import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { secretBox } from '../../src/store/secret-box.js'
import { simopt, simoptOk, sqliteLocal, storeFor } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('simopt provider', () => {
  it('adds, changes and lists carrier accounts, keeping API keys sealed and unprinted', async () => {
    const folder = await tempDir()
    const env = { ...sqliteLocal(folder), SIMOPT_SECRET_KEY: 'test key, sixteen characters or more' }
    const add = ['provider', 'add', '--tenant', 'acme', '--name', 'att', '--url', 'http://127.0.0.1:9999', '--user', 'demo', '--api-key', 'very-secret-key', '--time-zone', 'America/Chicago', '--cycle-end-day', '19']
    await simoptOk(env, add)
    const again = await simopt(env, add)
    assert.equal(again.code, 2)
    assert.match(again.stderr, /tenant acme already has a provider att/)

    await simoptOk(env, ['provider', 'set', '--tenant', 'acme', '--name', 'att', '--api-key', 'rotated-key', '--prorate', '--write-enabled', '--min-saving-per-change', '1.5', '--currency', 'EUR'])
    const list = await simoptOk(env, ['provider', 'list', '--tenant', 'acme'])
    assert.equal(list.stdout, 'att  jasper  http://127.0.0.1:9999  America/Chicago, cycle ends day 19 00:00  prorates  writes enabled  scheduled from 00:00  EUR  changes saving at least €1.50  credentials set\n')
    assert.doesNotMatch(list.stdout + list.stderr, /secret|rotated/)

    const store = storeFor(env)
    try {
      const row = await store.db.selectFrom('service_providers').select('credentials').executeTakeFirstOrThrow()
      assert.doesNotMatch(row.credentials!, /rotated-key|demo/)
      const box = secretBox({ secretKey: env.SIMOPT_SECRET_KEY, secretKeyFile: '' })
      assert.deepEqual(JSON.parse(box.open(row.credentials!)), { user: 'demo', apiKey: 'rotated-key', url: 'http://127.0.0.1:9999' })
    } finally {
      await store.close()
    }
  })

  it('refuses bad options with what is wrong', async () => {
    const env = sqliteLocal(await tempDir())
    const cases: [string[], RegExp][] = [
      [['provider', 'add', '--tenant', 'acme', '--name', 'att', '--user', 'u', '--api-key', 'k'], /option --url is required/],
      [['provider', 'add', '--tenant', 'acme', '--name', 'att', '--url', 'ftp://x', '--user', 'u', '--api-key', 'k'], /option --url: must be an http\(s\) URL/],
      [['provider', 'add', '--tenant', 'acme', '--name', 'att', '--url', 'http://127.0.0.1:1', '--user', 'u', '--api-key', 'k', '--time-zone', 'Mars/Base'], /unknown time zone "Mars\/Base"/],
      [['provider', 'add', '--tenant', 'acme', '--name', 'att', '--integration', 'soap', '--url', 'http://127.0.0.1:1'], /option --integration/],
      [['provider', 'set', '--tenant', 'acme', '--name', 'nope', '--prorate'], /tenant "acme" does not exist|no service provider "nope"/],
      [['provider', 'set', '--tenant', 'acme', '--name', 'att', '--currency', 'DOLLARS'], /option --currency: must be an ISO 4217 currency code such as USD or EUR, got "DOLLARS"/],
      [['provider', 'set', '--tenant', 'acme', '--name', 'att', '--min-saving-per-change', '-1'], /option --min-saving-per-change: must be an amount of money/],
    ]
    for (const [args, message] of cases) {
      const run = await simopt(env, args)
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`)
      assert.match(run.stderr, message)
    }
  })
})
