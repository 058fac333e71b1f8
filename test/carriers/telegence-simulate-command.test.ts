/**
 * `simopt simulate telegence` as a user runs it: it prints its URL, headers and FAN, writes the usage report
 * files and the price sheet it names, a client using what it printed reads its subscribers, and options of
 * the other simulators are refused; and `provider add --integration telegence` names what it lacks.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { CallLimiter, TelegenceClient } from '../../src/carriers/index.js'
import { parseFeedFileName } from '../../src/carriers/telegence/index.js'
import { CLI_MAIN } from '../helpers/paths.js'
import { simopt, sqliteLocal } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('simopt simulate telegence', () => {
  it('prints its URL, headers and FAN, writes the report files and price sheet, and serves the subscribers it describes', async () => {
    const folder = await tempDir()
    const feed = path.join(folder, 'feed')
    const child = spawn(process.execPath, [CLI_MAIN, 'simulate', 'telegence', '--port', '0', '--sims', '90', '--bans', '2', '--app-secret', 's3cret', '--feed-folder', feed, '--write-price-sheet', folder], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      let printed = ''
      child.stdout.setEncoding('utf8')
      for await (const chunk of child.stdout) {
        printed += chunk as string
        if (/wrote \S+plans\.csv/.test(printed)) break
      }
      const url = /Telegence simulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1]
      const fan = /FAN (\d+): 90 subscribers on 2 BANs/.exec(printed)?.[1]
      assert.ok(url !== undefined && fan !== undefined, printed)
      assert.match(printed, /app-id demo-app-id, app-secret s3cret/)
      const files = await readdir(feed)
      assert.ok(files.length >= 2, `report files written: ${files.join(', ')}`)
      assert.ok(files.every((name) => parseFeedFileName(name)?.fan === fan), files.join(', '))
      assert.ok(files.some((name) => parseFeedFileName(name)?.kind === 'final'))
      assert.match(await readFile(path.join(folder, 'plans.csv'), 'utf8'), /^plan_code,.*optimization_group/)
      const client = new TelegenceClient({ baseUrl: url, appId: 'demo-app-id', appSecret: 's3cret', fan, limiter: new CallLimiter({ callsPerSecond: 20 }) })
      const bans = await client.bans()
      const pages = await Promise.all(bans.map((ban) => client.subscribers(ban, 1)))
      assert.equal(pages.reduce((sum, page) => sum + page.subscribers.length, 0), 90)
    } finally {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  })

  it("refuses an option of another carrier's simulator", () => {
    const telegence = spawnSync(process.execPath, [CLI_MAIN, 'simulate', 'telegence', '--port', '0', '--lose-callbacks', '0.2'], { encoding: 'utf8' })
    assert.equal(telegence.status, 2)
    assert.match(telegence.stderr, /option --lose-callbacks is for simulate thingspace, not telegence/)
    const jasper = spawnSync(process.execPath, [CLI_MAIN, 'simulate', 'jasper', '--port', '0', '--feed-folder', '/tmp/x'], { encoding: 'utf8' })
    assert.equal(jasper.status, 2)
    assert.match(jasper.stderr, /option --feed-folder is for simulate telegence, not jasper/)
  })

  it('provider add --integration telegence names what is missing or wrong', async () => {
    const env = { ...sqliteLocal(await tempDir()), SIMOPT_SECRET_KEY: 'telegence command test key, long enough' }
    const base = ['provider', 'add', '--tenant', 'acme', '--name', 'att', '--integration', 'telegence', '--url', 'http://127.0.0.1:9', '--client-id', 'id', '--client-secret', 'secret', '--account', '90000001', '--user', 'feed']
    const noFolder = await simopt(env, [...base, '--password', 'p'])
    assert.match(noFolder.stderr, /option --sftp-url is required for a telegence provider/)
    const badFolder = await simopt(env, [...base, '--password', 'p', '--sftp-url', 'ftp://127.0.0.1/x'])
    assert.match(badFolder.stderr, /option --sftp-url: must be an sftp:\/\/host\[:port\]\/folder address, got "ftp:\/\/127\.0\.0\.1\/x"/)
    const noFan = await simopt(env, [...base.filter((arg, i) => arg !== '--account' && base[i - 1] !== '--account'), '--password', 'p', '--sftp-url', 'sftp://127.0.0.1/x'])
    assert.match(noFan.stderr, /option --account is required for a telegence provider/)
    const notAKey = await simopt(env, [...base, '--sftp-url', 'sftp://127.0.0.1/x', '--sftp-key-file', CLI_MAIN])
    assert.match(notAKey.stderr, /option --sftp-key-file: .* is not a private key file/)
    const noSecret = await simopt(env, [...base, '--sftp-url', 'sftp://127.0.0.1/x'])
    assert.match(noSecret.stderr, /option --api-key \(the SFTP login's password\) or option --sftp-key-file is required for a telegence provider/)
  })
})
