/**
 * The command line of the API: `simopt apikey create|list|revoke`, and `simopt serve` answering with the
 * API, the dashboard and an in-process worker, stopping cleanly on SIGTERM.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { describe, it } from 'node:test'
import { writeGroups } from '../helpers/fleets.js'
import { CLI_MAIN } from '../helpers/paths.js'
import { eventually, simopt, simoptOk, sqliteLocal } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const folder = await tempDir('simopt-serve-')
const env = { ...sqliteLocal(folder), SIMOPT_SECRET_KEY: 'serve test key, long enough', SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox'), SIMOPT_LOG_LEVEL: 'warn' }
const files = await writeGroups(path.join(folder, 'fleet'), 1, 200, 5, 3)
await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', '2026-11', '--plans', files.plans, '--pools', files.pools, '--comm-plans', files.commPlans, '--sims', files.sims])

describe('simopt apikey', () => {
  it('creates a key printed once, lists keys without it, revokes by id', async () => {
    const created = await simoptOk(env, ['apikey', 'create', '--tenant', 'acme', '--role', 'operator', '--name', 'ci'])
    const key = created.stdout.trim()
    assert.match(key, /^sk_[\w-]{20,}$/)
    assert.match(created.stderr, /not shown again/)
    const root = await simoptOk(env, ['apikey', 'create', '--role', 'admin', '--name', 'root'])
    assert.match(root.stderr, /service-wide/)
    const listed = await simoptOk(env, ['apikey', 'list', '--tenant', 'acme'])
    assert.match(listed.stdout, /ci {2}operator {2}acme {2}used - {2}active/)
    assert.ok(!listed.stdout.includes(key))
    const id = listed.stdout.split(/\s+/)[0]!
    assert.match((await simoptOk(env, ['apikey', 'revoke', id])).stdout, /revoked/)
    assert.match((await simoptOk(env, ['apikey', 'list'])).stdout, /ci {2}operator {2}acme {2}used - {2}revoked/)
    const again = await simopt(env, ['apikey', 'revoke', id])
    assert.equal(again.code, 2)
    const viewerWithoutTenant = await simopt(env, ['apikey', 'create', '--role', 'viewer', '--name', 'x'])
    assert.equal(viewerWithoutTenant.code, 2)
    assert.match(viewerWithoutTenant.stderr, /--tenant is required/)
    const unknownTenant = await simopt(env, ['apikey', 'create', '--tenant', 'nobody', '--role', 'viewer', '--name', 'x'])
    assert.match(unknownTenant.stderr, /tenant "nobody" does not exist/)
    const badRole = await simopt(env, ['apikey', 'create', '--tenant', 'acme', '--role', 'god', '--name', 'x'])
    assert.match(badRole.stderr, /option --role/)
  })
})

describe('simopt serve', () => {
  it('serves the API and the dashboard, works sessions, and stops on SIGTERM', async () => {
    const key = (await simoptOk(env, ['apikey', 'create', '--tenant', 'acme', '--role', 'operator', '--name', 'serve'])).stdout.trim()
    const child = spawn(process.execPath, [CLI_MAIN, 'serve', '--port', '0', '--concurrency', '2'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    try {
      const url = await eventually('the address on standard output', async () => /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1], 20_000)
      // Standard error is another pipe: its line may arrive after standard output's.
      await eventually('the dashboard line on standard error', async () => (/dashboard at http/.test(stderr) ? true : undefined), 20_000)
      assert.equal((await fetch(`${url}/healthz`)).status, 200)
      assert.match(await (await fetch(`${url}/`)).text(), /<title>simopt/)
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
      const started = await fetch(`${url}/api/sessions`, { method: 'POST', headers, body: JSON.stringify({ provider: 'main', period: '2026-11', sync: false }) })
      assert.equal(started.status, 201)
      const { id } = (await started.json()) as { id: string }
      // The in-process worker runs the session: nothing else is working here.
      await eventually('the session to be done', async () => {
        const detail = (await (await fetch(`${url}/api/sessions/${id}`, { headers })).json()) as { status: string }
        return detail.status === 'done' ? true : undefined
      })
    } finally {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const [code] = await exited
      assert.equal(code, 0, stderr)
    }
    assert.match(stderr, /stopping/)
  })
})
