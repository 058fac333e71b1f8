/**
 * Pushes approved changes to the carrier, `SIMOPT_MAX_PAGES_PER_JOB` a job, through the account's call
 * limiter. Before each change the carrier is asked for the SIM's plan: a SIM no longer on the plan the
 * change was planned from (another session, tool or person moved it) is `skipped`, audited and reported,
 * never overwritten. A change is marked `pushing` (committed) before it is sent and `pushed` with the carrier's
 * answer after, so a worker that dies mid-push leaves it `pushing`: the next job asks the carrier what the
 * SIM's plan is and sends it again only if it is not in place, never twice. Past the latest safe time
 * (10 minutes before the period ends) nothing more is sent. When none is left, verification is queued
 * after `SIMOPT_VERIFY_DELAY_MS`. A carrier that does changes later (ThingSpace) answers with a request id,
 * kept with the change for the verification to ask about.
 */
import { PUSH_MARGIN_MS } from '../../domain/index.js'
import { isCarrierError, type Carrier, type ChangeRequest } from '../../carriers/index.js'
import { audit, changesIn, failChanges, instanceScope, LIMIT_REACHED_ANSWER, markPushFinished, markPushStarted, moveChange, type ChangeRow, type Db } from '../../store/index.js'
import { carrierFor } from '../carrier-for.js'
import { job, type Job } from '../job.js'
import { MAX_ATTEMPTS } from '../job-runner.js'
import { countPush } from '../process-counters.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

export const pushChanges: Stage = {
  type: 'push-changes',
  sessionOf: sessionOfInstance,
  detached: {
    attempts: () => MAX_ATTEMPTS,
    firstRetryMs: () => 2000,
    failed: async (trx, instanceId, message) => {
      // The carrier kept failing: what is still approved is reported as failed, not left waiting silently.
      const stopped = await failChanges(trx, instanceId, ['approved', 'pushing'], `not pushed: ${message}`)
      await audit(trx, { actor: 'system', action: 'push: stopped', instanceId, detail: `${stopped} changes not pushed: ${message}` })
    },
  },
  async run(instanceId, { store, config, commit }) {
    const { db } = store
    const { sessionId, provider, period, pushStartedAt } = await instanceScope(db, instanceId)
    const carrier = carrierFor(provider, config, db)
    if (pushStartedAt === null) await markPushStarted(db, instanceId)
    const context = { db, carrier, instanceId, sessionId }

    const waitMs = await resumeInterrupted(context, config.maxPagesPerJob)
    const latest = period.ends_at - PUSH_MARGIN_MS
    let sent = 0
    for (const change of await changesIn(db, instanceId, 'approved', config.maxPagesPerJob)) {
      if (Date.now() > latest) {
        await stopForPeriodEnd(db, instanceId, sessionId, period.ends_at)
        break
      }
      await pushOne(context, change)
      sent++
    }

    await commit(async (trx): Promise<Job[]> => {
      const left = await changesIn(trx, instanceId, 'approved', 1)
      if (left.length > 0 && sent > 0) return [job('push-changes', instanceId, `${Date.now().toString(36)}-${left[0]!.iccid}`)]
      // Interrupted changes the carrier may still be making: asked about once it should have made them.
      if (waitMs > 0) return [job('push-changes', instanceId, `${Date.now().toString(36)}-wait`, waitMs)]
      await markPushFinished(trx, instanceId)
      await audit(trx, { actor: 'system', action: 'push: round done', sessionId, instanceId, detail: `verification in ${Math.round(config.verifyDelayMs / 1000)} s` })
      return [job('verify-changes', instanceId, `${Date.now().toString(36)}`, config.verifyDelayMs)]
    })
  },
}

interface PushContext {
  readonly db: Db
  readonly carrier: Carrier
  readonly instanceId: string
  readonly sessionId: string
}

/** Sends one change; a carrier that refuses it for good fails it, one that keeps erring fails the job (retried). */
async function pushOne({ db, carrier, instanceId, sessionId }: PushContext, change: ChangeRow): Promise<void> {
  const step = { actor: 'system', sessionId, instanceId, iccid: change.iccid }
  // The plan is read before anything is marked: a failed read leaves the change approved for the retry.
  const details = await carrier.deviceDetails(change.iccid)
  const found = details.ratePlan
  if (found === change.new_plan) {
    // Someone else already made this very change: nothing to send, the verification confirms it.
    if (await moveChange(db, instanceId, change.iccid, 'approved', 'pushed', { answer: 'already on the new plan at the carrier; not sent', pushed_at: Date.now(), found_plan: found })) {
      await audit(db, { ...step, action: 'push: already in place', detail: `${change.old_plan} -> ${change.new_plan}: the carrier had it already; not sent` })
      countPush('already-in-place')
    }
    return
  }
  if (found !== change.old_plan) {
    const answer = `skipped: the SIM moved to ${found} at the carrier since the change was planned from ${change.old_plan}; not overwritten`
    if (await moveChange(db, instanceId, change.iccid, 'approved', 'skipped', { answer, found_plan: found })) {
      await audit(db, { ...step, action: 'push: skipped', detail: `${change.old_plan} -> ${change.new_plan}: found ${found} at the carrier; not overwritten` })
      countPush('skipped')
    }
    return
  }
  if (carrier.traits.refusesWhileSuspended && details.status === 'DEACTIVATED') {
    // Suspended since the sync: the carrier would refuse the change, so it is not sent.
    const answer = `${SUSPENDED_ANSWER}suspended at the carrier when the change was to be sent; not sent`
    if (await moveChange(db, instanceId, change.iccid, 'approved', 'failed', { answer, found_plan: found })) {
      await audit(db, { ...step, action: 'push: refused', detail: `${change.old_plan} -> ${change.new_plan}: the SIM is suspended; not sent` })
      countPush('refused')
    }
    return
  }
  if (!(await moveChange(db, instanceId, change.iccid, 'approved', 'pushing', { countAttempt: true }))) return // taken by another delivery
  let request: ChangeRequest
  try {
    request = await carrier.changeRatePlan(change.iccid, change.new_plan)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (isCarrierError(error) && !error.retryable) {
      const refusal = carrier.changeRefusal(error)
      const answer = refusal === 'limit-reached' ? `${LIMIT_REACHED_ANSWER}${message}` : refusal === 'suspended' ? `${SUSPENDED_ANSWER}${message}` : message
      await moveChange(db, instanceId, change.iccid, 'pushing', 'failed', { answer })
      await audit(db, { ...step, action: 'push: refused', detail: `${change.old_plan} -> ${change.new_plan}: ${message}` })
      countPush('refused')
      return
    }
    // Not known to have arrived: `pushing` stays, and the retry asks the carrier before sending again.
    await audit(db, { ...step, action: 'push: no answer', detail: `${change.old_plan} -> ${change.new_plan}: ${message}` })
    countPush('no-answer')
    throw error
  }
  const answer = request.kind === 'done' ? 'accepted' : acceptedAnswer(request.requestId)
  await moveChange(db, instanceId, change.iccid, 'pushing', 'pushed', { answer, pushed_at: Date.now() })
  countPush('accepted')
  await audit(db, { ...step, action: 'push: accepted', detail: `${change.old_plan} -> ${change.new_plan}${request.kind === 'done' ? '' : ` (request ${request.requestId}, outcome to come)`}` })
}

const SUSPENDED_ANSWER = 'refused, the SIM is suspended: '

// A change the carrier does later keeps its request id in the answer (the changes table has no column for
// it): the verification asks for the outcome with it.
const REQUEST_PREFIX = 'accepted, request '

export function acceptedAnswer(requestId: string): string {
  return `${REQUEST_PREFIX}${requestId}`
}

/** The carrier's request id of a change it accepted to do later; `undefined` for a change done at once. */
export function requestIdOf(answer: string | null): string | undefined {
  return answer !== null && answer.startsWith(REQUEST_PREFIX) ? answer.slice(REQUEST_PREFIX.length) : undefined
}

/**
 * Changes a dead or failed delivery left `pushing`: in place at the carrier, they were pushed; if not, they go
 * again. A carrier that makes changes later may have accepted one and not made it yet: such a change is
 * looked at only once the carrier's round trip has passed since it was marked, or it could be sent twice.
 * @returns how long to wait before looking at those left (0: none left).
 */
async function resumeInterrupted({ db, carrier, instanceId, sessionId }: PushContext, limit: number): Promise<number> {
  const roundTripMs = carrier.traits.changeLatencyMs
  let waitMs = 0
  for (const change of await changesIn(db, instanceId, 'pushing', limit)) {
    const age = Date.now() - change.updated_at
    if (age < roundTripMs) {
      waitMs = Math.max(waitMs, roundTripMs - age)
      continue
    }
    const found = (await carrier.deviceDetails(change.iccid)).ratePlan
    const step = { actor: 'system', sessionId, instanceId, iccid: change.iccid }
    if (found === change.new_plan) {
      await moveChange(db, instanceId, change.iccid, 'pushing', 'pushed', { answer: 'found in place after an interrupted push', pushed_at: Date.now(), found_plan: found })
      await audit(db, { ...step, action: 'push: found in place', detail: `${change.old_plan} -> ${change.new_plan} (after an interrupted push)` })
    } else {
      await moveChange(db, instanceId, change.iccid, 'pushing', 'approved', { found_plan: found })
      await audit(db, { ...step, action: 'push: not in place', detail: `an interrupted push of ${change.new_plan} did not arrive (found ${found}); sending again` })
    }
  }
  return waitMs
}

async function stopForPeriodEnd(db: Db, instanceId: string, sessionId: string, endsAt: number): Promise<void> {
  const reason = `not pushed: the period ends at ${new Date(endsAt).toISOString().slice(0, 16)} UTC, too soon to push safely`
  const stopped = await failChanges(db, instanceId, ['approved'], reason)
  await audit(db, { actor: 'system', action: 'push: stopped', sessionId, instanceId, detail: `${stopped} changes ${reason}` })
}
