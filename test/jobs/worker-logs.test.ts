/**
 * A worker's log: JSON lines on standard error, every line about a job carrying the job's id and type,
 * its session's id and its instance's (or component's, or message's) id; failures at error level with
 * the reason.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, it } from 'node:test'
import { writeGroups } from '../helpers/fleets.js'
import { CLI_MAIN } from '../helpers/paths.js'
import { importArgs, RUN_ARGS, sessionEnd, simoptOk, sqliteLocal, storeFor } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('worker logs', () => {
  it('are JSON lines carrying the job, session and entity ids, with failures at error level', async () => {
    const folder = await tempDir()
    const env = { ...sqliteLocal(folder), SIMOPT_LOG_LEVEL: 'debug', SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox') }
    await simoptOk(env, importArgs(await writeGroups(path.join(folder, 'fleet'), 2, 200)))
    const worker = spawn(process.execPath, [CLI_MAIN, 'worker', '--concurrency', '2'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    worker.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const store = storeFor(env)
    try {
      const good = (await simoptOk(env, RUN_ARGS)).stdout.trim()
      assert.equal((await sessionEnd(store, good)).status, 'done')
      await store.db.updateTable('rate_plans').set({ overage_block_mb: 0 }).where('code', '=', 'G1-PAYG').execute()
      const bad = (await simoptOk(env, RUN_ARGS)).stdout.trim()
      assert.equal((await sessionEnd(store, bad)).status, 'failed')
    } finally {
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      worker.kill('SIGTERM')
      await exited
      await store.close()
    }
    const lines = stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    const jobLines = lines.filter((line) => line.jobId !== undefined)
    assert.ok(jobLines.length >= 10, `job lines: ${jobLines.length}`)
    for (const line of jobLines) {
      assert.equal(typeof line.jobType, 'string')
      assert.equal(typeof line.sessionId, 'string', JSON.stringify(line))
      const entity = line.jobType === 'start-session' ? 'sessionId' : line.jobType === 'optimize-component' ? 'componentId' : line.jobType === 'deliver-message' ? 'messageId' : 'instanceId'
      assert.equal(typeof line[entity], 'string', `${entity} on ${JSON.stringify(line)}`)
      assert.equal(typeof line.worker, 'string')
      assert.equal(typeof line.time, 'string')
    }
    const failure = jobLines.find((line) => line.level === 50)
    assert.ok(failure !== undefined, 'an error line for the failed job')
    assert.match(String(failure.error), /overage block size of 0 MB/)
    assert.equal(failure.jobType, 'build-problem')
  })
})
