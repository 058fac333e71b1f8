/**
 * A start whose first job never reached the queue is taken back whole, so a retry is not refused as
 * "already running"; one a worker has already touched stays.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { job } from '../../src/jobs/job.js'
import { LocalQueue } from '../../src/jobs/local-queue.js'
import { startSession } from '../../src/jobs/sessions.js'
import { ensureProvider, ensureTenant } from '../../src/store/accounts.js'
import { openStore, type Store } from '../../src/store/database.js'
import { migrate } from '../../src/store/migrate.js'
import { takeBackUnstartedSession } from '../../src/store/unstarted-session.js'
import { tempDir } from '../helpers/temp-dir.js'

const config = loadConfig({ SIMOPT_DATABASE_URL: 'sqlite::memory:' })
const REQUEST = { tenant: 'acme', provider: 'main', period: '2026-11', trigger: 'manual' } as const

async function accountStore(): Promise<Store> {
  const store = openStore(`sqlite:${path.join(await tempDir(), 'simopt.db')}`)
  await migrate(store)
  const tenantId = await ensureTenant(store.db, 'acme')
  await ensureProvider(store.db, tenantId, 'main', { integration: 'files', timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0, settings: {} })
  return store
}

async function rowsOf(store: Store, id: string) {
  const sessions = await store.db.selectFrom('sessions').select('id').where('id', '=', id).execute()
  const transitions = await store.db.selectFrom('state_transitions').select('entity_id').where('entity_id', '=', id).execute()
  const jobs = await store.db.selectFrom('jobs').select('id').where('id', '=', job('start-session', id, 1).id).execute()
  return { sessions: sessions.length, transitions: transitions.length, jobs: jobs.length }
}

describe('takeBackUnstartedSession', () => {
  it('removes the session, its transition and its untouched job, and a new start is then accepted', async () => {
    const store = await accountStore()
    const queue = new LocalQueue(store, 'nobody', 30_000)
    try {
      const id = await startSession(store, queue, config, REQUEST)
      assert.deepEqual(await rowsOf(store, id), { sessions: 1, transitions: 1, jobs: 1 })
      assert.equal(await takeBackUnstartedSession(store, id, job('start-session', id, 1).id), true)
      assert.deepEqual(await rowsOf(store, id), { sessions: 0, transitions: 0, jobs: 0 })
      const again = await startSession(store, queue, config, REQUEST)
      assert.notEqual(again, id)
    } finally {
      await queue.stop()
      await store.close()
    }
  })

  it('leaves a session whose job a worker has already taken', async () => {
    const store = await accountStore()
    const queue = new LocalQueue(store, 'nobody', 30_000)
    try {
      const id = await startSession(store, queue, config, REQUEST)
      const jobId = job('start-session', id, 1).id
      await store.db.updateTable('jobs').set({ status: 'active', attempts: 1 }).where('id', '=', jobId).execute()
      assert.equal(await takeBackUnstartedSession(store, id, jobId), false)
      assert.deepEqual(await rowsOf(store, id), { sessions: 1, transitions: 1, jobs: 1 })
    } finally {
      await queue.stop()
      await store.close()
    }
  })
})
