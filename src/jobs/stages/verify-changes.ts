/**
 * Checks pushed changes at the carrier, `SIMOPT_MAX_PAGES_PER_JOB` a job: a SIM on its new plan is
 * `verified`; one that is not is pushed again, up to 3 times in all, then reported as a `discrepancy`. A
 * change the carrier does later is first asked about by its request id: still pending, it is asked about
 * again after `SIMOPT_VERIFY_DELAY_MS`; failed at the carrier, it is reported as `failed`; a request the
 * carrier no longer knows is checked by the SIM's plan alone.
 * When every change has ended, the discrepancies (and changes that could not be pushed or were skipped
 * because the SIM had moved to another plan) are e-mailed.
 */
import { isCarrierError, type Carrier, type ChangeOutcome } from '../../carriers/index.js'
import { audit, changesIn, instanceScope, moveChange, unresolvedChanges, type UnresolvedChange } from '../../store/index.js'
import { carrierFor } from '../carrier-for.js'
import { job, type Job } from '../job.js'
import { MAX_ATTEMPTS } from '../job-runner.js'
import { queueEmail } from '../queue-message.js'
import { sessionFacts } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { requestIdOf } from './push-changes.js'
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
    const { sessionId, provider } = await instanceScope(db, instanceId)
    const carrier = carrierFor(provider, config, db)
    let pending = 0
    for (const change of await changesIn(db, instanceId, 'pushed', config.maxPagesPerJob)) {
      const step = { actor: 'system', sessionId, instanceId, iccid: change.iccid }
      const requestId = requestIdOf(change.answer)
      if (requestId !== undefined) {
        const outcome = await outcomeOf(carrier, requestId)
        if (outcome.kind === 'pending') {
          pending++
          continue
        }
        if (outcome.kind === 'failed') {
          // Refused when it was done (the SIM was suspended meanwhile, its monthly changes ran out): sending
          // it again would be refused again, so it is reported.
          await moveChange(db, instanceId, change.iccid, 'pushed', 'failed', { answer: `the carrier did not make the change: ${outcome.reason}`, verified_at: Date.now() })
          await audit(db, { ...step, action: 'verify: failed at the carrier', detail: `${change.old_plan} -> ${change.new_plan}: ${outcome.reason}` })
          continue
        }
      }
      const found = (await carrier.deviceDetails(change.iccid)).ratePlan
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
      // Changes still pending at the carrier are asked about again after a while, not at once.
      if ((await changesIn(trx, instanceId, 'pushed', 1)).length > 0) return [job('verify-changes', instanceId, suffix, pending > 0 ? config.verifyDelayMs : undefined)]
      if ((await changesIn(trx, instanceId, 'approved', 1)).length > 0) return [job('push-changes', instanceId, suffix)]
      // Every change has ended: say which did not take effect.
      const unresolved = await unresolvedChanges(trx, instanceId)
      await audit(trx, { actor: 'system', action: 'verify: done', sessionId, instanceId, detail: `${unresolved.length} changes not in place` })
      if (unresolved.length === 0) return []
      const facts = await sessionFacts(trx, sessionId)
      return queueEmail(trx, config, { tenantId: facts.tenantId, sessionId }, {
        kind: 'plan-discrepancies',
        ...facts,
        sessionId,
        discrepancies: unresolved.map((change) => ({ iccid: change.iccid, expected: change.newPlan, found: foundText(change) })),
      })
    })
  },
}

/**
 * A request the carrier no longer knows (it keeps them for a while only) is `unknown`: the SIM's plan then
 * says whether the change was made.
 */
async function outcomeOf(carrier: Carrier, requestId: string): Promise<ChangeOutcome | { readonly kind: 'unknown' }> {
  try {
    return await carrier.changeOutcome(requestId)
  } catch (error) {
    if (isCarrierError(error) && error.kind === 'not-found') return { kind: 'unknown' }
    throw error
  }
}

function foundText(change: UnresolvedChange): string {
  if (change.status === 'failed') return `not pushed (${change.answer ?? 'failed'})`
  if (change.status === 'skipped') return `${change.foundPlan ?? '?'}, set at the carrier by someone else since the change was planned: skipped, not overwritten`
  return change.foundPlan ?? '?'
}
