/**
 * The job runner retries a failed stage when, and only when, the error table says a retry can cure its code:
 * a service or carrier that is down for now is retried; a missing setting, a state that forbids the work or
 * bad input fails the session at once, with the error's own message.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { ERROR_TABLE, SimoptError, type ErrorCode } from '../../src/domain/index.js'
import { job } from '../../src/jobs/job.js'
import { JobRunner } from '../../src/jobs/job-runner.js'
import { LocalQueue } from '../../src/jobs/local-queue.js'
import { startSession } from '../../src/jobs/sessions.js'
import type { Stage } from '../../src/jobs/stage.js'
import { importedStore } from '../helpers/imported-store.js'

const config = loadConfig({ SIMOPT_DATABASE_URL: 'sqlite::memory:', SIMOPT_JOB_LEASE_MS: '5000' })
const REQUEST = { tenant: 'acme', provider: 'main', period: '2026-11', trigger: 'manual' } as const

/** What the runner does with the session's first job when its stage throws `error`, and the session's state after. */
async function outcomeOf(error: unknown): Promise<{ kind: string; status: string; message: string | null }> {
  const store = await importedStore(5)
  try {
    const queue = new LocalQueue(store, 'w', config.jobLeaseMs)
    const id = await startSession(store, queue, config, REQUEST)
    const failing: Stage = { type: 'start-session', sessionOf: async () => id, run: async () => Promise.reject(error) }
    const outcome = await new JobRunner(store, queue, [failing], { workerId: 'w', config }).process(job('start-session', id, 1))
    const session = await store.db.selectFrom('sessions').select(['status', 'message']).where('id', '=', id).executeTakeFirstOrThrow()
    return { kind: outcome.kind, status: session.status, message: session.message }
  } finally {
    await store.close()
  }
}

describe('the job runner retries by error code', () => {
  const retried: readonly ErrorCode[] = ['UNAVAILABLE', 'CARRIER_RATE_LIMITED', 'CARRIER_UNREACHABLE', 'INTERNAL']
  const failedAtOnce: readonly ErrorCode[] = ['SETTING_MISSING', 'STATE_CONFLICT', 'INPUT_INVALID', 'CARRIER_REFUSED', 'TENANT_NOT_FOUND']

  for (const code of retried) {
    it(`retries ${code}, the session still running`, async () => {
      assert.equal(ERROR_TABLE[code].retryable, true)
      const { kind, status } = await outcomeOf(new SimoptError(code, `${code} for now`))
      assert.equal(kind, 'retry')
      assert.notEqual(status, 'failed')
    })
  }

  it('retries an error that is not simopt\'s (a bug or a passing fault: INTERNAL)', async () => {
    assert.equal((await outcomeOf(new TypeError('cannot read properties of undefined'))).kind, 'retry')
  })

  for (const code of failedAtOnce) {
    it(`fails the session at once on ${code}, with the error's message`, async () => {
      assert.equal(ERROR_TABLE[code].retryable, false)
      const { kind, status, message } = await outcomeOf(new SimoptError(code, `the ${code} message`))
      assert.equal(kind, 'failed')
      assert.equal(status, 'failed')
      assert.match(message ?? '', new RegExp(`the ${code} message`))
    })
  }
})
