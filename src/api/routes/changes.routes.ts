/**
 * A session's rate plan changes: listed with counts by status and the go / no-go decision; an operator
 * approves them (all, or some ICCIDs) or asks to push the approved ones now. The decision and the jobs it
 * queues are the same ones `simopt changes approve|push` makes.
 */
import type { FastifyInstance } from 'fastify'
import { approveAndDecide, decideInstancePush, type InstancePush } from '../../jobs/change-push.js'
import { recordJobs } from '../../jobs/job-log.js'
import type { Job } from '../../jobs/job.js'
import { changeCounts, CHANGE_STATUSES, type ChangeStatus } from '../../store/changes.js'
import { callerOf } from '../auth.js'
import type { ApiDeps } from '../deps.js'
import { changePage } from '../queries/change-page.js'
import { ICCID_PATTERN, limitQuery, nullableNumber, nullableString, responses, sessionIdParams, type SessionIdParams } from '../schemas.js'
import { finishedInstance } from '../tenant-scope.js'

const pushAnswer = {
  type: 'object',
  properties: {
    approved: { type: 'integer', description: 'changes approved by this request' },
    verdict: { type: 'string', enum: ['go', 'no-go', 'awaiting-approval'] },
    reason: { type: 'string' },
    estimatedSeconds: { type: 'number' },
  },
} as const

interface ChangesQuery {
  status?: ChangeStatus
  after?: string
  limit: number
}

export function changeRoutes(app: FastifyInstance, { store, config, queue }: ApiDeps): void {
  /** Records the decision's jobs in the transaction that made it and publishes them once it commits. */
  const decided = async (work: (trx: Parameters<typeof decideInstancePush>[0]) => Promise<{ approved: number; push: InstancePush }>) => {
    let jobs: Job[] = []
    const outcome = await store.db.transaction().execute(async (trx) => {
      const result = await work(trx)
      jobs = [...result.push.jobs]
      await recordJobs(trx, jobs)
      return result
    })
    await queue.publish(jobs)
    return { approved: outcome.approved, verdict: outcome.push.verdict, reason: outcome.push.decision.reason, estimatedSeconds: outcome.push.decision.estimatedSeconds }
  }

  app.get<{ Params: SessionIdParams; Querystring: ChangesQuery }>(
    '/api/sessions/:id/changes',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['changes'],
        summary: "the session's rate plan changes: counts by status, the push decision, and a page of changes in ICCID order",
        params: sessionIdParams,
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: [...CHANGE_STATUSES] },
            after: { type: 'string', pattern: ICCID_PATTERN, description: 'the last ICCID of the previous page' },
            limit: limitQuery(100, 1000),
          },
        },
        response: responses({
          200: {
            type: 'object',
            properties: {
              counts: { type: 'object', additionalProperties: { type: 'integer' }, description: 'changes by status' },
              pushDecision: nullableString,
              pushReason: nullableString,
              pushEstimatedSeconds: nullableNumber,
              rows: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    iccid: { type: 'string' },
                    oldPlan: { type: 'string' },
                    newPlan: { type: 'string' },
                    saving: { type: 'number' },
                    status: { type: 'string' },
                    attempts: { type: 'integer' },
                    approvedBy: nullableString,
                    answer: nullableString,
                    foundPlan: nullableString,
                  },
                },
              },
              next: nullableString,
            },
          },
        }),
      },
    },
    async (request) => {
      const instance = await finishedInstance(store, callerOf(request), request.params.id)
      const rows = await changePage(store, instance.id, request.query)
      return {
        counts: await changeCounts(store.db, instance.id),
        pushDecision: instance.push_decision,
        pushReason: instance.push_reason,
        pushEstimatedSeconds: instance.push_estimated_seconds,
        rows,
        next: rows.length === request.query.limit ? rows.at(-1)!.iccid : null,
      }
    },
  )

  app.post<{ Params: SessionIdParams; Body: { iccids?: string[] } | undefined }>(
    '/api/sessions/:id/changes/approve',
    {
      config: { role: 'operator' },
      // No body means all: validated as an empty object.
      preValidation: async (request) => {
        request.body ??= {}
      },
      schema: {
        tags: ['changes'],
        summary: 'approve the planned changes (all, or the ICCIDs given), then decide go / no-go and queue the push on a go',
        params: sessionIdParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { iccids: { type: 'array', minItems: 1, maxItems: 100_000, items: { type: 'string', pattern: ICCID_PATTERN }, description: 'only these; absent: all planned changes' } },
        },
        response: responses({ 200: pushAnswer }),
      },
    },
    async (request) => {
      const caller = callerOf(request)
      const instance = await finishedInstance(store, caller, request.params.id)
      return decided(async (trx) => {
        const { approved, push } = await approveAndDecide(trx, config, instance.id, caller.actor, request.body?.iccids)
        return { approved: approved.length, push }
      })
    },
  )

  app.post<{ Params: SessionIdParams }>(
    '/api/sessions/:id/changes/push',
    {
      config: { role: 'operator' },
      schema: { tags: ['changes'], summary: 'push the approved changes now, if there is time before the period ends', params: sessionIdParams, response: responses({ 200: pushAnswer }) },
    },
    async (request) => {
      const caller = callerOf(request)
      const instance = await finishedInstance(store, caller, request.params.id)
      return decided(async (trx) => ({ approved: 0, push: await decideInstancePush(trx, config, instance.id, caller.actor, true) }))
    },
  )
}
