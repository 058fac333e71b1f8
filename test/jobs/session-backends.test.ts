/**
 * A session from start to result on both backends: SQLite with the local queue, PostgreSQL with BullMQ
 * and two worker processes. Same input, same result, equal to `simopt optimize` on the same files.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { writeGroups } from '../helpers/fleets.js'
import { freshPostgresDatabase, freshRedisPrefix } from '../helpers/services.js'
import { importArgs, postgresBullmq, RUN_ARGS, simoptOk, sqliteLocal, startWorkerProcess, stopWorkerProcess, storeFor } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

/** Rows of a CSV file, header first, the rest sorted (the files list SIMs in different orders). */
async function sortedCsv(file: string): Promise<string[]> {
  const [header, ...rows] = (await readFile(file, 'utf8')).trimEnd().split('\n')
  return [header!, ...rows.sort()]
}

describe('a session from start to result', () => {
  it('gives the same result on SQLite/local and PostgreSQL/BullMQ, equal to simopt optimize, shared by two workers', async (t) => {
    const databaseUrl = await freshPostgresDatabase(t)
    if (databaseUrl === undefined) return
    const redis = await freshRedisPrefix(t)
    if (redis === undefined) return
    const folder = await tempDir()
    const files = await writeGroups(path.join(folder, 'fleet'), 6, 1500)

    // The command-line optimizer on the files: the reference.
    const reference = path.join(folder, 'reference.csv')
    await simoptOk({}, ['optimize', '--plans', files.plans, '--pools', files.pools, '--comm-plans', files.commPlans, '--sims', files.sims, '--period-days', '30', '--out', reference, '--summary', path.join(folder, 'summary.json')])

    // SQLite and the local queue: `run --wait` works the jobs itself.
    const local = sqliteLocal(folder)
    await simoptOk(local, importArgs(files))
    const localRun = await simoptOk(local, [...RUN_ARGS, '--wait'])
    const localSession = localRun.stdout.split('\n')[0]!
    await simoptOk(local, ['results', localSession, '--out', path.join(folder, 'local.csv')])

    // PostgreSQL and BullMQ: two worker processes share the components.
    const distributed = postgresBullmq(databaseUrl, redis)
    await simoptOk(distributed, ['db', 'migrate'])
    await simoptOk(distributed, importArgs(files))
    const workers = [startWorkerProcess(distributed), startWorkerProcess(distributed)]
    try {
      const run = await simoptOk(distributed, [...RUN_ARGS, '--wait'])
      const session = run.stdout.split('\n')[0]!
      await simoptOk(distributed, ['results', session, '--out', path.join(folder, 'distributed.csv')])

      const store = storeFor(distributed)
      try {
        const holders = await store.db.selectFrom('jobs').select('locked_by').distinct().where('type', '=', 'optimize-component').execute()
        assert.ok(holders.length >= 2, `both workers took components, got ${JSON.stringify(holders)}`)
        const components = await store.db.selectFrom('components').select('id').execute()
        assert.ok(components.length >= 6, `the fleet splits into at least 6 components, got ${components.length}`)
      } finally {
        await store.close()
      }
    } finally {
      await Promise.all(workers.map(stopWorkerProcess))
    }

    const expected = await sortedCsv(reference)
    assert.equal(expected.length, 1 + 6 * 1500)
    assert.deepEqual(await sortedCsv(path.join(folder, 'local.csv')), expected)
    assert.deepEqual(await sortedCsv(path.join(folder, 'distributed.csv')), expected)
  })
})
