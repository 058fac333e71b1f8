/** `npm start`'s demo on both carriers: tenant demo has a Jasper and a ThingSpace provider, and a session ends done on each. */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { simoptOk, sqliteLocal, storeFor } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

describe("npm start's demo", () => {
  it('runs a session on a ThingSpace simulator too, as tenant demo\'s second provider', async () => {
    const folder = await tempDir()
    const env = { ...sqliteLocal(folder), SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox'), SIMOPT_SECRET_KEY_FILE: path.join(folder, 'secret.key') }
    const demo = await simoptOk(env, ['demo'])
    assert.match(demo.stdout, /a ThingSpace simulator at http:\/\/127\.0\.0\.1:\d+ holds account \d{10}-\d{5} \(1000 SIMs\); tenant demo, provider thingspace/)
    const id = /provider thingspace \(ThingSpace\):\n +details: +npm run --silent simopt -- status (\S+)/.exec(demo.stdout)?.[1]
    assert.ok(id, demo.stdout)

    const providers = await simoptOk(env, ['provider', 'list', '--tenant', 'demo'])
    assert.match(providers.stdout, /^demo +jasper +http:\/\/127\.0\.0\.1:\d+ /m)
    assert.match(providers.stdout, /^thingspace +thingspace +http:\/\/127\.0\.0\.1:\d+ .*credentials set$/m)

    const status = await simoptOk(env, ['status', id])
    assert.match(status.stdout, /tenant \/ provider\s+demo \/ thingspace/)
    assert.match(status.stdout, /status\s+done\s+100%/)
    assert.match(status.stdout, /devices\s+1,000 seen\s+1,000 added/)
    const store = storeFor(env)
    try {
      // Every device of the account, under the communication plan simopt names after the account.
      const devices = await store.db.selectFrom('devices').innerJoin('service_providers', 'service_providers.id', 'devices.provider_id').select('devices.comm_plan').where('service_providers.name', '=', 'thingspace').execute()
      assert.equal(devices.length, 1000)
      assert.equal(new Set(devices.map((device) => device.comm_plan)).size, 1)
    } finally {
      await store.close()
    }
  })
})
