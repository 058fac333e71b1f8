/**
 * A session's rate plan changes: listed with counts by status and the go / no-go decision; an operator
 * approves them (all, or some ICCIDs) or asks to push the approved ones now. The decision and the jobs it
 * queues are the same ones `simopt changes approve|push` makes (`services/changes.service.ts`).
 */
import { z } from 'zod'
import { approveChanges, listChanges, pushChanges } from '../../services/changes.service.js'
import { CHANGE_STATUSES } from '../../store/index.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'
import { iccidText, pageLimit, sessionParams } from '../schemas.js'

const pushAnswer = z.object({
  approved: z.number().int().describe('changes approved by this request'),
  verdict: z.enum(['go', 'no-go', 'awaiting-approval']),
  reason: z.string(),
  estimatedSeconds: z.number(),
})

const changeLine = z.object({
  iccid: z.string(),
  oldPlan: z.string(),
  newPlan: z.string(),
  saving: z.number(),
  status: z.enum(CHANGE_STATUSES),
  attempts: z.number().int(),
  approvedBy: z.string().nullable(),
  answer: z.string().nullable(),
  foundPlan: z.string().nullable(),
})

const changesQuery = z.object({
  status: z.enum(CHANGE_STATUSES).optional(),
  after: iccidText.optional().describe('the last ICCID of the previous page'),
  limit: pageLimit(100, 1000),
})

const changeListing = z.object({
  counts: z.partialRecord(z.enum(CHANGE_STATUSES), z.number().int()).describe('changes by status'),
  pushDecision: z.string().nullable(),
  pushReason: z.string().nullable(),
  pushEstimatedSeconds: z.number().nullable(),
  rows: z.array(changeLine),
  next: z.string().nullable().describe('pass as after= for the next page; null on the last'),
})

const approveBody = z.object({ iccids: z.array(iccidText).min(1).max(100_000).optional().describe('only these; absent: all planned changes') })

export function changeRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)

  app.get(
    '/api/sessions/:id/changes',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listChanges',
        tags: ['changes'],
        summary: "the session's rate plan changes: counts by status, the push decision, and a page of changes in ICCID order",
        params: sessionParams,
        querystring: changesQuery,
        response: replies({ 200: changeListing }),
      },
    },
    async (request) => listChanges(ctx, request.params.id, request.query, callerOf(request)),
  )

  app.post(
    '/api/sessions/:id/changes/approve',
    {
      config: { role: 'operator' },
      // No body means all: validated as an empty object.
      preValidation: async (request) => {
        request.body ??= {}
      },
      schema: {
        operationId: 'approveChanges',
        tags: ['changes'],
        summary: 'approve the planned changes (all, or the ICCIDs given), then decide go / no-go and queue the push on a go',
        params: sessionParams,
        body: approveBody,
        response: replies({ 200: pushAnswer }),
      },
    },
    async (request) => {
      const caller = callerOf(request)
      return approveChanges(ctx, request.params.id, request.body.iccids, caller.actor, caller)
    },
  )

  app.post(
    '/api/sessions/:id/changes/push',
    {
      config: { role: 'operator' },
      schema: {
        operationId: 'pushChanges',
        tags: ['changes'],
        summary: 'push the approved changes now, if there is time before the period ends',
        params: sessionParams,
        response: replies({ 200: pushAnswer }),
      },
    },
    async (request) => {
      const caller = callerOf(request)
      return pushChanges(ctx, request.params.id, caller.actor, caller)
    },
  )
}
