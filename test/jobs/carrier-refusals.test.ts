/**
 * A carrier's refusal that no retry can change (bad credentials, a refused parameter) fails the session at
 * once, naming the provider, the period and the carrier's code; a failure that may pass later (a server
 * error) is retried. Against the Jasper simulator over real HTTP.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { CallLimiter, JasperClient } from '../../src/carriers/index.js'
import { startJasperSimulator, type JasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { job } from '../../src/jobs/job.js'
import { JobRunner } from '../../src/jobs/job-runner.js'
import { LocalQueue } from '../../src/jobs/local-queue.js'
import { startSession } from '../../src/jobs/sessions.js'
import type { Stage } from '../../src/jobs/stage.js'
import { importedStore } from '../helpers/imported-store.js'

const config = loadConfig({ SIMOPT_DATABASE_URL: 'sqlite::memory:', SIMOPT_JOB_LEASE_MS: '5000' })
const REQUEST = { tenant: 'acme', provider: 'main', period: '2026-11', trigger: 'manual' } as const

/** The session's first job, calling the carrier the way the sync does: through the account's limiter. */
function callingStage(sessionId: string, client: JasperClient): Stage {
  return { type: 'start-session', sessionOf: async () => sessionId, run: async () => void (await client.ratePlans(1)) }
}

describe('carrier failures in a session', () => {
  let simulator: JasperSimulator
  let failing: JasperSimulator
  before(async () => {
    simulator = await startJasperSimulator({ sims: 20, seed: 2, rateLimit: 100 })
    failing = await startJasperSimulator({ sims: 20, seed: 2, rateLimit: 100, errorRate: 1 })
  })
  after(async () => {
    await simulator.close()
    await failing.close()
  })

  it('a refused API key fails the session at once, naming provider, period and the carrier code', async () => {
    const store = await importedStore(10)
    try {
      const queue = new LocalQueue(store, 'w', config.jobLeaseMs)
      const id = await startSession(store, queue, config, REQUEST)
      const client = new JasperClient({ baseUrl: simulator.url, user: simulator.user, apiKey: 'not-the-key', limiter: new CallLimiter({ maxRetries: 0 }) })
      const outcome = await new JobRunner(store, queue, [callingStage(id, client)], { workerId: 'w', config }).process(job('start-session', id, 1))
      assert.equal(outcome.kind, 'failed')
      const session = await store.db.selectFrom('sessions').select(['status', 'message']).where('id', '=', id).executeTakeFirstOrThrow()
      assert.equal(session.status, 'failed')
      assert.match(session.message ?? '', /^provider main, period 2026-11: the carrier refused the call, not retried: GET \/rws\/api\/v1\/rateplans\S*: 10000001 .*\(HTTP 401\)$/)
      const record = await store.db.selectFrom('jobs').select(['status', 'attempts']).executeTakeFirstOrThrow()
      assert.deepEqual(record, { status: 'failed', attempts: 1 })
    } finally {
      await store.close()
    }
  })

  it('a carrier server error is retried, and the session goes on', async () => {
    const store = await importedStore(10)
    try {
      const queue = new LocalQueue(store, 'w', config.jobLeaseMs)
      const id = await startSession(store, queue, config, REQUEST)
      const client = new JasperClient({ baseUrl: failing.url, user: failing.user, apiKey: failing.apiKey, limiter: new CallLimiter({ maxRetries: 0 }) })
      const outcome = await new JobRunner(store, queue, [callingStage(id, client)], { workerId: 'w', config }).process(job('start-session', id, 1))
      assert.equal(outcome.kind, 'retry')
      const session = await store.db.selectFrom('sessions').select('status').where('id', '=', id).executeTakeFirstOrThrow()
      assert.equal(session.status, 'pending')
      const record = await store.db.selectFrom('jobs').select(['status', 'attempts']).executeTakeFirstOrThrow()
      assert.equal(record.attempts, 1)
      assert.notEqual(record.status, 'failed')
    } finally {
      await store.close()
    }
  })
})
