/**
 * The session rules: redelivered jobs change nothing, bad data fails the session with a message saying
 * what and where and changes nothing else, one session per tenant and period at a time, restart after
 * failure. In-process on SQLite with the local queue, as `run --wait` does it.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { loadConfig } from '../../src/config.js'
import { readProblemFiles } from '../../src/io/index.js'
import { job } from '../../src/jobs/job.js'
import { JobRunner } from '../../src/jobs/job-runner.js'
import { LocalQueue } from '../../src/jobs/local-queue.js'
import { restartSession, startSession } from '../../src/jobs/sessions.js'
import { PIPELINE } from '../../src/jobs/stages/index.js'
import type { Stage } from '../../src/jobs/stage.js'
import { startWorker } from '../../src/jobs/worker.js'
import { ensurePeriod, ensureProvider, ensureTenant } from '../../src/store/accounts.js'
import { openStore, type Store } from '../../src/store/database.js'
import { importFleet } from '../../src/store/fleet-import.js'
import { migrate } from '../../src/store/migrate.js'
import { writeGroups } from '../helpers/fleets.js'
import { eventually } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const config = loadConfig({ SIMOPT_DATABASE_URL: 'sqlite::memory:', SIMOPT_JOB_LEASE_MS: '5000' })
const REQUEST = { tenant: 'acme', provider: 'main', period: '2026-11', trigger: 'manual' } as const

async function importedStore(groups = 2, sims = 300): Promise<Store> {
  const folder = await tempDir()
  const files = await writeGroups(path.join(folder, 'fleet'), groups, sims)
  const store = openStore(`sqlite:${path.join(folder, 'simopt.db')}`)
  await migrate(store)
  const problem = await readProblemFiles(files, { periodDays: 30, prorate: false })
  await store.db.transaction().execute(async (trx) => {
    const tenantId = await ensureTenant(trx, 'acme')
    const provider = await ensureProvider(trx, tenantId, 'main', { integration: 'files', timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0, settings: {} })
    await importFleet(trx, store.dialect, provider, await ensurePeriod(trx, provider, '2026-11'), problem)
  })
  return store
}

async function runToEnd(store: Store, sessionId?: string): Promise<{ id: string; status: string; message: string | null }> {
  const queue = new LocalQueue(store, 'test-worker', config.jobLeaseMs)
  const worker = await startWorker(config, store, queue, 'test-worker', 2)
  try {
    const id = sessionId ?? (await startSession(store, queue, config, REQUEST))
    return await eventually('the session to end', async () => {
      const row = await store.db.selectFrom('sessions').select(['id', 'status', 'message']).where('id', '=', id).executeTakeFirstOrThrow()
      return ['done', 'failed'].includes(row.status) ? row : undefined
    })
  } finally {
    await worker.stop()
  }
}

/** Everything a session wrote, to compare before and after. */
async function footprint(store: Store) {
  const count = async (table: 'results' | 'changes' | 'components' | 'instances' | 'state_transitions' | 'devices' | 'rate_plans' | 'outbox' | 'plan_totals') =>
    Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const costs = await store.db.selectFrom('results').select(sql<number>`sum(monthly_after + overage_after + sms_after)`.as('after')).executeTakeFirstOrThrow()
  const instances = await store.db.selectFrom('instances').select(['components_done', 'cost_after', 'changes', 'status']).execute()
  return {
    results: await count('results'),
    changes: await count('changes'),
    components: await count('components'),
    instances,
    transitions: await count('state_transitions'),
    devices: await count('devices'),
    outbox: await count('outbox'),
    planTotals: await count('plan_totals'),
    costAfter: Number(costs.after),
  }
}

describe('session rules', () => {
  it('a job delivered again changes nothing', async () => {
    const store = await importedStore()
    try {
      const session = await runToEnd(store)
      assert.equal(session.status, 'done', session.message ?? '')
      const before = await footprint(store)
      assert.equal(before.results, 600)
      assert.equal(before.outbox, 2, 'the results e-mail and the go / no-go, once each')

      const runner = new JobRunner(store, new LocalQueue(store, 'again', config.jobLeaseMs), PIPELINE, { workerId: 'again', config })
      const components = await store.db.selectFrom('components').select('id').execute()
      const instance = await store.db.selectFrom('instances').select('id').executeTakeFirstOrThrow()
      const again = [
        job('start-session', session.id, 1),
        job('build-problem', instance.id),
        ...components.map((c) => job('optimize-component', c.id)),
        job('finalize-instance', instance.id),
        job('report-instance', instance.id),
        job('decide-push', instance.id),
      ]
      // As delivered by a queue that lost track: the job's record already says done.
      for (const delivered of again) assert.deepEqual(await runner.process(delivered), { kind: 'done' })
      assert.deepEqual(await footprint(store), before)

      // Even with the record reset (a delivery racing its own commit), the stages find their work done.
      await store.db.updateTable('sessions').set({ status: 'optimizing', finished_at: null }).execute()
      for (const delivered of again) {
        await store.db.updateTable('jobs').set({ status: 'queued' }).where('id', '=', delivered.id).execute()
        assert.deepEqual(await runner.process(delivered), { kind: 'done' })
      }
      const after = await footprint(store)
      assert.deepEqual({ ...after, transitions: before.transitions }, before)
    } finally {
      await store.close()
    }
  })

  it('a rate plan with an overage block of 0 MB fails the session, naming plan and provider, and changes nothing else', async () => {
    const store = await importedStore()
    try {
      await store.db.updateTable('rate_plans').set({ overage_block_mb: 0 }).where('code', '=', 'G2-PAYG').execute()
      const before = await footprint(store)
      const session = await runToEnd(store)
      assert.equal(session.status, 'failed')
      assert.match(session.message ?? '', /provider main, period 2026-11: rate plan G2-PAYG has an overage block size of 0 MB/)
      const after = await footprint(store)
      assert.deepEqual({ ...after, instances: [], transitions: 0 }, { ...before, instances: [], transitions: 0 })
      assert.deepEqual(after.instances.map((i) => i.status), ['failed'])
      const failedJob = await store.db.selectFrom('jobs').select(['status', 'attempts']).where('type', '=', 'build-problem').executeTakeFirstOrThrow()
      assert.deepEqual(failedJob, { status: 'failed', attempts: 1 }, 'bad data is not retried')
    } finally {
      await store.close()
    }
  })

  it('a period without devices fails the session with a message saying so', async () => {
    const store = await importedStore()
    try {
      const queue = new LocalQueue(store, 'w', config.jobLeaseMs)
      const id = await startSession(store, queue, config, { ...REQUEST, period: '2026-12' })
      const session = await runToEnd(store, id)
      assert.equal(session.status, 'failed')
      assert.equal(session.message, 'provider main, period 2026-12: no devices with usage in this period (import or sync them first)')
      assert.equal((await footprint(store)).results, 0)
    } finally {
      await store.close()
    }
  })

  it('refuses unknown tenants, providers and malformed periods before starting anything', async () => {
    const store = await importedStore(1, 10)
    try {
      const queue = new LocalQueue(store, 'w', config.jobLeaseMs)
      await assert.rejects(startSession(store, queue, config, { ...REQUEST, tenant: 'nobody' }), /tenant "nobody" does not exist/)
      await assert.rejects(startSession(store, queue, config, { ...REQUEST, provider: 'other' }), /tenant acme has no service provider "other"/)
      await assert.rejects(startSession(store, queue, config, { ...REQUEST, period: '2026-13' }), /billing period must look like 2026-11, got "2026-13"/)
      assert.equal((await store.db.selectFrom('sessions').selectAll().execute()).length, 0)
    } finally {
      await store.close()
    }
  })

  it('runs one session per tenant and period at a time, and restarts a failed one', async () => {
    const store = await importedStore(1, 50)
    try {
      const queue = new LocalQueue(store, 'w', config.jobLeaseMs)
      const first = await startSession(store, queue, config, REQUEST)
      await assert.rejects(startSession(store, queue, config, REQUEST), new RegExp(`a session for tenant acme and period 2026-11 is already running: ${first} \\(pending\\)`))
      // Another period is another matter.
      await store.db.updateTable('rate_plans').set({ overage_block_price: 0 }).where('code', '=', 'G1-PAYG').execute()
      assert.equal((await runToEnd(store, first)).status, 'failed')
      await assert.rejects(restartSession(store, queue, config, 'no-such-session'), /session no-such-session does not exist/)

      await store.db.updateTable('rate_plans').set({ overage_block_price: 0.9 }).where('code', '=', 'G1-PAYG').execute()
      await restartSession(store, queue, config, first)
      await assert.rejects(restartSession(store, queue, config, first), /is pending; only a failed or cancelled session can be restarted/)
      const restarted = await runToEnd(store, first)
      assert.equal(restarted.status, 'done', restarted.message ?? '')
      assert.equal((await footprint(store)).results, 50)
      const attempt = await store.db.selectFrom('sessions').select('attempt').where('id', '=', first).executeTakeFirstOrThrow()
      assert.equal(attempt.attempt, 2)
      // Done: the period is free again.
      const second = await startSession(store, queue, config, REQUEST)
      assert.notEqual(second, first)
    } finally {
      await store.close()
    }
  })

  it('fails a session whose job took its worker down three times, instead of blocking the period', async () => {
    const store = await importedStore(1, 20)
    try {
      const queue = new LocalQueue(store, 'w', config.jobLeaseMs)
      const id = await startSession(store, queue, config, REQUEST)
      // Three deliveries that never came back: counted, leases long gone.
      await store.db.updateTable('jobs').set({ status: 'active', attempts: 3, locked_by: 'dead', locked_until: 1 }).execute()
      const runner = new JobRunner(store, queue, PIPELINE, { workerId: 'w', config })
      const outcome = await runner.process(job('start-session', id, 1))
      assert.equal(outcome.kind, 'failed')
      const session = await store.db.selectFrom('sessions').select(['status', 'message', 'running_key']).where('id', '=', id).executeTakeFirstOrThrow()
      assert.deepEqual(session, { status: 'failed', message: 'start-session abandoned after 3 attempts: the worker running it stopped each time', running_key: null })
    } finally {
      await store.close()
    }
  })

  it('rolls back the effects of a delivery whose job another worker took over', async () => {
    const store = await importedStore(1, 20)
    try {
      const queue = new LocalQueue(store, 'w', config.jobLeaseMs)
      const id = await startSession(store, queue, config, REQUEST)
      // A stage that, while it works, loses its job to another worker (its lease ran out), then commits.
      const slow: Stage = {
        type: 'start-session',
        sessionOf: async () => id,
        async run(_entity, { commit }) {
          await store.db.updateTable('jobs').set({ locked_by: 'other-worker' }).execute()
          await commit(async (trx) => {
            await trx.updateTable('sessions').set({ message: 'written by the delivery that lost its job' }).execute()
            return [job('build-problem', 'never')]
          })
        },
      }
      const runner = new JobRunner(store, queue, [slow], { workerId: 'w', config })
      assert.deepEqual(await runner.process(job('start-session', id, 1)), { kind: 'done' })
      const session = await store.db.selectFrom('sessions').select('message').where('id', '=', id).executeTakeFirstOrThrow()
      assert.equal(session.message, null)
      const jobs = await store.db.selectFrom('jobs').select(['id', 'status', 'locked_by']).execute()
      assert.deepEqual(jobs, [{ id: `start-session.${id}.1`, status: 'active', locked_by: 'other-worker' }])
    } finally {
      await store.close()
    }
  })
})
