/**
 * The session commands on a session that is not done, or does not exist: each says which, with the exit
 * code of its error code (2: fix the input or wait for the state), and changes nothing.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { writeGroups } from '../helpers/fleets.js'
import { importArgs, RUN_ARGS, simopt, simoptOk, sqliteLocal } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const folder = await tempDir()
const env = { ...sqliteLocal(folder), SIMOPT_LOG_LEVEL: 'silent' }
await simoptOk(env, importArgs(await writeGroups(path.join(folder, 'fleet'), 1, 20)))
// No worker runs: the session stays pending.
const pending = (await simoptOk(env, [...RUN_ARGS, '--no-sync'])).stdout.trim()
const missing = '00000000-0000-4000-8000-000000000000'

describe('session commands', () => {
  const cases: readonly { args: readonly string[]; stderr: RegExp }[] = [
    { args: ['status', missing], stderr: new RegExp(`session ${missing} does not exist`) },
    { args: ['changes', missing], stderr: new RegExp(`session ${missing} does not exist`) },
    { args: ['changes', pending], stderr: new RegExp(`session ${pending} is pending; its changes exist once it is done`) },
    { args: ['changes', 'approve', pending], stderr: /is pending; its changes exist once it is done/ },
    { args: ['changes', 'push', pending, '--dry-run'], stderr: /is pending; its changes exist once it is done/ },
    { args: ['results', pending, '--out', path.join(folder, 'out.csv')], stderr: /is pending; its results exist once it is done/ },
    { args: ['report', pending, '--xlsx', path.join(folder, 'out.xlsx')], stderr: /is pending; its report exists once it is done/ },
    { args: ['restart', pending], stderr: /is pending; only a failed or cancelled session can be restarted/ },
    { args: [...RUN_ARGS, '--no-sync'], stderr: new RegExp(`already running: ${pending}`) },
  ]
  for (const test of cases) {
    it(`simopt ${test.args.join(' ')} → 2`, async () => {
      const run = await simopt(env, test.args)
      assert.equal(run.code, 2, run.stderr)
      assert.match(run.stderr, test.stderr)
    })
  }

  it('shows the pending session, in the list and alone', async () => {
    assert.match((await simoptOk(env, ['status'])).stdout, new RegExp(`${pending}\\s+acme\\s+main\\s+2026-11\\s+pending`))
    assert.match((await simoptOk(env, ['status', pending])).stdout, /status\s+pending\s+0%/)
  })

  // Last: the other cases need the session pending.
  it('simopt sessions cancel ends the pending session, names who did it, and refuses a second time', async () => {
    const run = await simoptOk(env, ['sessions', 'cancel', pending, '--by', 'ana'])
    assert.equal(run.stdout, `session ${pending} is cancelled (cancelled by cli:ana)\n`)
    assert.match((await simoptOk(env, ['status', pending])).stdout, /status\s+cancelled/)
    const again = await simopt(env, ['sessions', 'cancel', pending])
    assert.equal(again.code, 2, again.stderr)
    assert.match(again.stderr, /is cancelled; only a session that has not ended can be cancelled/)
    const missingRun = await simopt(env, ['sessions', 'cancel', missing])
    assert.equal(missingRun.code, 2)
    assert.match(missingRun.stderr, new RegExp(`session ${missing} does not exist`))
  })
})
