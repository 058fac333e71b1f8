/**
 * The e-mails the pipeline writes besides the results: a start refused because a session runs, a carrier
 * sync that fails, a fleet whose SIM count jumped. In-process on SQLite with the local queue; the messages
 * are read from the outbox, where every message goes first.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { simpleParser } from 'mailparser'
import { loadConfig } from '../../src/config.js'
import { SimoptError } from '../../src/domain/index.js'
import { readProblemFiles } from '../../src/io/index.js'
import { LocalQueue } from '../../src/jobs/local-queue.js'
import { startSession } from '../../src/jobs/sessions.js'
import { PIPELINE } from '../../src/jobs/stages/index.js'
import type { Stage } from '../../src/jobs/stage.js'
import { startWorker } from '../../src/jobs/worker.js'
import { ensurePeriod, ensureProvider, ensureTenant } from '../../src/store/accounts.js'
import { openStore, type Store } from '../../src/store/database.js'
import { importFleet } from '../../src/store/fleet-import.js'
import { migrate } from '../../src/store/migrate.js'
import { writeGroups } from '../helpers/fleets.js'
import { sessionEnd } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const config = loadConfig({ SIMOPT_DATABASE_URL: 'sqlite::memory:', SIMOPT_JOB_LEASE_MS: '5000', SIMOPT_OUTBOX_DIR: '/nonexistent-unused' })
const REQUEST = { tenant: 'acme', provider: 'main', period: '2026-11', trigger: 'manual' } as const

async function storeWith(periods: readonly { name: string; sims: number }[]): Promise<Store> {
  const folder = await tempDir()
  const store = openStore(`sqlite:${path.join(folder, 'simopt.db')}`)
  await migrate(store)
  for (const period of periods) {
    const files = await writeGroups(path.join(folder, period.name), 2, period.sims / 2)
    const problem = await readProblemFiles(files, { periodDays: 30, prorate: false })
    await store.db.transaction().execute(async (trx) => {
      const tenantId = await ensureTenant(trx, 'acme')
      await trx.updateTable('tenants').set({ settings: JSON.stringify({ emailTo: ['ops@acme.example'] }) }).where('id', '=', tenantId).execute()
      const provider = await ensureProvider(trx, tenantId, 'main', { integration: 'files', timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0, settings: {} })
      await importFleet(trx, store.dialect, provider, await ensurePeriod(trx, provider, period.name), problem)
    })
  }
  return store
}

async function emails(store: Store) {
  return store.db.selectFrom('outbox').select(['kind', 'recipient', 'subject', 'status', 'body']).where('channel', '=', 'email').orderBy('created_at').execute()
}

/** The message's text, decoded (quoted-printable wraps long lines). */
async function textOf(body: Uint8Array): Promise<string> {
  const mail = await simpleParser(Buffer.from(body))
  return `${mail.subject}\n${mail.text}`
}

async function withWorker<T>(store: Store, stages: readonly Stage[], work: (queue: LocalQueue) => Promise<T>): Promise<T> {
  const queue = new LocalQueue(store, 'notices-worker', config.jobLeaseMs)
  const worker = await startWorker(config, store, queue, 'notices-worker', 1, stages)
  try {
    return await work(queue)
  } finally {
    await worker.stop()
  }
}

describe('session notices', () => {
  it('a start refused because a session runs is e-mailed to the tenant', async () => {
    const store = await storeWith([{ name: '2026-11', sims: 200 }])
    try {
      const queue = new LocalQueue(store, 'nobody', config.jobLeaseMs)
      const first = await startSession(store, queue, config, REQUEST)
      await assert.rejects(startSession(store, queue, config, REQUEST), /already running/)
      const [refused] = await emails(store)
      assert.equal(refused?.kind, 'already-running')
      assert.equal(refused?.recipient, 'ops@acme.example')
      assert.equal(refused?.status, 'pending')
      assert.match(await textOf(refused!.body), new RegExp(`session ${first} is still running \\(pending\\)`))
    } finally {
      await store.close()
    }
  })

  it('a carrier sync that fails ends the session and sends the sync error', async () => {
    const store = await storeWith([{ name: '2026-11', sims: 200 }])
    try {
      await store.db.updateTable('service_providers').set({ integration: 'jasper' }).execute()
      const failingSync: Stage = {
        ...PIPELINE.find((stage) => stage.type === 'sync-devices')!,
        run: async () => {
          throw new SimoptError('INPUT_INVALID', 'the carrier refused the credentials of provider main (10000024)')
        },
      }
      const stages = PIPELINE.map((stage) => (stage.type === 'sync-devices' ? failingSync : stage))
      const session = await withWorker(store, stages, async (queue) => {
        const id = await startSession(store, queue, config, REQUEST)
        return sessionEnd(store, id)
      })
      assert.equal(session.status, 'failed')
      const kinds = (await emails(store)).map((email) => email.kind)
      assert.deepEqual(kinds, ['sync-error'])
      const body = await textOf((await emails(store))[0]!.body)
      assert.match(body, /^simopt: sync of main 2026-11 failed/)
      assert.match(body, /the carrier refused the credentials of provider main \(10000024\)/)
    } finally {
      await store.close()
    }
  })

  it('a fleet three times the size of the last one is reported, and the session goes on', async () => {
    const store = await storeWith([
      { name: '2026-11', sims: 200 },
      { name: '2026-12', sims: 600 },
    ])
    try {
      await withWorker(store, PIPELINE, async (queue) => {
        assert.equal((await sessionEnd(store, await startSession(store, queue, config, REQUEST))).status, 'done')
        assert.equal((await sessionEnd(store, await startSession(store, queue, config, { ...REQUEST, period: '2026-12' }))).status, 'done')
      })
      // Each session's go / no-go for its changes comes after its results.
      const kinds = (await emails(store)).map((email) => email.kind)
      assert.deepEqual(kinds, ['results', 'go-no-go', 'unexpected-sim-count', 'results', 'go-no-go'])
      const body = await textOf((await emails(store))[2]!.body)
      assert.match(body, /has 600 SIMs for 2026-12, against 200 in 2026-11 \(\+200\.0%; more than 20% is reported\)/)
    } finally {
      await store.close()
    }
  })
})
