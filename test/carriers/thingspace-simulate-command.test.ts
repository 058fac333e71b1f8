/**
 * `simopt simulate thingspace` as a user runs it: it prints its URL, account and credentials, a client
 * signed in with what it printed reads its fleet, and options of the other carrier's simulator are refused.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { describe, it } from 'node:test'
import { CallLimiter } from '../../src/carriers/index.js'
import { ThingSpaceClient } from '../../src/carriers/thingspace/index.js'
import { CLI_MAIN } from '../helpers/paths.js'

describe('simopt simulate thingspace', () => {
  it('prints its URL and credentials, and serves the fleet it describes until stopped', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'simulate', 'thingspace', '--port', '0', '--sims', '120', '--page-size', '50', '--app-secret', 's3cret'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      let printed = ''
      child.stdout.setEncoding('utf8')
      for await (const chunk of child.stdout) {
        printed += chunk as string
        if (printed.includes('\n\n') || /callbacks lost[^\n]*\n/.test(printed)) break
      }
      const url = /ThingSpace simulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1]
      const account = /account (\d{10}-\d{5}): 120 devices/.exec(printed)?.[1]
      assert.ok(url !== undefined && account !== undefined, printed)
      assert.match(printed, /app key demo-app-key, app secret s3cret/)
      assert.match(printed, /user demo, password demo-key/)
      const client = new ThingSpaceClient({
        baseUrl: url,
        accountName: account,
        credentials: { appKey: 'demo-app-key', appSecret: 's3cret', username: 'demo', password: 'demo-key' },
        limiter: new CallLimiter({ callsPerSecond: 10 }),
      })
      const first = await client.listDevices()
      const second = await client.listDevices(first.largestDeviceIdSeen)
      assert.equal(first.devices.length + second.devices.length, 100)
      assert.equal(second.hasMoreData, true)
    } finally {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  })

  it('refuses an option of the other carrier\'s simulator', () => {
    const jasper = spawnSync(process.execPath, [CLI_MAIN, 'simulate', 'jasper', '--port', '0', '--lose-callbacks', '0.2'], { encoding: 'utf8' })
    assert.equal(jasper.status, 2)
    assert.match(jasper.stderr, /option --lose-callbacks is for simulate thingspace, not jasper/)
    const thingspace = spawnSync(process.execPath, [CLI_MAIN, 'simulate', 'thingspace', '--port', '0', '--essential'], { encoding: 'utf8' })
    assert.equal(thingspace.status, 2)
    assert.match(thingspace.stderr, /option --essential is for simulate jasper, not thingspace/)
  })
})
