/**
 * A worker killed with SIGKILL in the middle of an optimize job: another worker takes the job over when
 * the dead one's lease runs out and finishes the session; every SIM has exactly one result.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { writeGroups } from '../helpers/fleets.js'
import { freshPostgresDatabase, freshRedisPrefix } from '../helpers/services.js'
import {
  eventually,
  importArgs,
  postgresBullmq,
  RUN_ARGS,
  simoptOk,
  sqliteLocal,
  startWorkerProcess,
  stopWorkerProcess,
  storeFor,
  type ServiceEnv,
  sessionEnd,
} from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const LEASE_MS = 2000
const SIMS = 20_000

async function killMidOptimize(env: ServiceEnv, folder: string): Promise<void> {
  // One component big enough to take a few seconds.
  const files = await writeGroups(path.join(folder, 'fleet'), 1, SIMS, 15)
  await simoptOk(env, importArgs(files))
  const store = storeFor(env)
  const first = startWorkerProcess(env)
  let second: ReturnType<typeof startWorkerProcess> | undefined
  try {
    const session = (await simoptOk(env, RUN_ARGS)).stdout.split('\n')[0]!
    const optimizeJob = await eventually('the optimize job to start', async () =>
      store.db.selectFrom('jobs').select(['id', 'locked_by']).where('type', '=', 'optimize-component').where('status', '=', 'active').executeTakeFirst(),
    )
    first.kill('SIGKILL')
    second = startWorkerProcess(env)
    const done = await sessionEnd(store, session)
    assert.equal(done.status, 'done', done.message ?? '')
    const job = await store.db.selectFrom('jobs').select(['attempts', 'locked_by', 'status']).where('id', '=', optimizeJob.id).executeTakeFirstOrThrow()
    assert.equal(job.status, 'done')
    assert.ok(job.attempts >= 2, `the job was delivered again after the kill (attempts ${job.attempts})`)
    assert.notEqual(job.locked_by, optimizeJob.locked_by, 'another worker finished it')
    const results = await store.db.selectFrom('results').select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('iccid').distinct().as('sims')]).executeTakeFirstOrThrow()
    assert.equal(Number(results.rows), SIMS)
    assert.equal(Number(results.sims), SIMS)
    const instance = await store.db.selectFrom('instances').select(['components_done', 'component_count']).executeTakeFirstOrThrow()
    assert.equal(instance.components_done, instance.component_count)
  } finally {
    first.kill('SIGKILL')
    if (second !== undefined) await stopWorkerProcess(second)
    await store.close()
  }
}

describe('a worker killed mid-job', () => {
  it('on PostgreSQL/BullMQ: another worker finishes the session, results complete and not duplicated', async (t: TestContext) => {
    const databaseUrl = await freshPostgresDatabase(t)
    if (databaseUrl === undefined) return
    const redis = await freshRedisPrefix(t)
    if (redis === undefined) return
    await killMidOptimize(postgresBullmq(databaseUrl, redis, LEASE_MS), await tempDir())
  })

  it('on SQLite/local: the job comes back when the lease runs out', async () => {
    const folder = await tempDir()
    await killMidOptimize(sqliteLocal(folder, LEASE_MS), folder)
  })
})
