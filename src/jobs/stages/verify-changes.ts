/**
 * Checks pushed changes at the carrier, `SIMOPT_MAX_PAGES_PER_JOB` a job: a SIM on its new plan is
 * `verified`; one that is not is pushed again, up to 3 times in all, then reported as a `discrepancy`.
 * When every change has ended, the discrepancies (and changes that could not be pushed or were skipped
 * because the SIM had moved to another plan) are e-mailed.
 */
import { audit } from '../../store/audit.js'
import { changesIn, moveChange } from '../../store/changes.js'
import { carrierFor } from '../carrier-for.js'
import { job, type Job } from '../job.js'
import { MAX_ATTEMPTS } from '../job-runner.js'
import { queueEmail } from '../notices.js'
import { sessionFacts } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

/** Pushes of one change, the first included, before a change not in place is a discrepancy. */
export const MAX_PUSHES = 3

export const verifyChanges: Stage = {
  type: 'verify-changes',
  sessionOf: sessionOfInstance,
  detached: {
    attempts: () => MAX_ATTEMPTS,
    firstRetryMs: () => 2000,
    failed: async (trx, instanceId, message) => audit(trx, { actor: 'system', action: 'verify: stopped', instanceId, detail: message }),
  },
  async run(instanceId, { store, config, commit }) {
    const { db } = store
    const instance = await db.selectFrom('instances').select(['session_id', 'provider_id']).where('id', '=', instanceId).executeTakeFirstOrThrow()
    const provider = await db.selectFrom('service_providers').selectAll().where('id', '=', instance.provider_id).executeTakeFirstOrThrow()
    const carrier = carrierFor(provider, config)
    for (const change of await changesIn(db, instanceId, 'pushed', config.maxPagesPerJob)) {
      const found = (await carrier.deviceDetails(change.iccid)).ratePlan
      const step = { actor: 'system', sessionId: instance.session_id, instanceId, iccid: change.iccid }
      if (found === change.new_plan) {
        await moveChange(db, instanceId, change.iccid, 'pushed', 'verified', { verified_at: Date.now(), found_plan: found })
        await audit(db, { ...step, action: 'verify: in place', detail: change.new_plan })
      } else if (change.attempts < MAX_PUSHES) {
        await moveChange(db, instanceId, change.iccid, 'pushed', 'approved', { found_plan: found, answer: `found ${found} instead of ${change.new_plan}; pushing again` })
        await audit(db, { ...step, action: 'verify: not in place', detail: `expected ${change.new_plan}, found ${found}; push ${change.attempts + 1} of ${MAX_PUSHES}` })
      } else {
        await moveChange(db, instanceId, change.iccid, 'pushed', 'discrepancy', { found_plan: found, verified_at: Date.now() })
        await audit(db, { ...step, action: 'verify: discrepancy', detail: `expected ${change.new_plan}, found ${found} after ${change.attempts} pushes` })
      }
    }

    await commit(async (trx): Promise<Job[]> => {
      const suffix = Date.now().toString(36)
      if ((await changesIn(trx, instanceId, 'pushed', 1)).length > 0) return [job('verify-changes', instanceId, suffix)]
      if ((await changesIn(trx, instanceId, 'approved', 1)).length > 0) return [job('push-changes', instanceId, suffix)]
      // Every change has ended: say which did not take effect.
      const unresolved = await trx
        .selectFrom('changes')
        .select(['iccid', 'new_plan', 'found_plan', 'status', 'answer'])
        .where('instance_id', '=', instanceId)
        .where('status', 'in', ['discrepancy', 'failed', 'skipped'])
        .orderBy('iccid')
        .execute()
      await audit(trx, { actor: 'system', action: 'verify: done', sessionId: instance.session_id, instanceId, detail: `${unresolved.length} changes not in place` })
      if (unresolved.length === 0) return []
      const facts = await sessionFacts(trx, instance.session_id)
      return queueEmail(trx, config, { tenantId: facts.tenantId, sessionId: instance.session_id }, {
        kind: 'plan-discrepancies',
        ...facts,
        sessionId: instance.session_id,
        discrepancies: unresolved.map((row) => ({ iccid: row.iccid, expected: row.new_plan, found: foundText(row) })),
      })
    })
  },
}

function foundText(row: { status: string; found_plan: string | null; answer: string | null }): string {
  if (row.status === 'failed') return `not pushed (${row.answer ?? 'failed'})`
  if (row.status === 'skipped') return `${row.found_plan ?? '?'}, set at the carrier by someone else since the change was planned: skipped, not overwritten`
  return row.found_plan ?? '?'
}
