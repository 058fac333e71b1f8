/**
 * A session's rate plan changes: listed with counts by status, the go / no-go decision and the totals of the
 * selection, filtered and sorted by plan and saving; an operator approves them (all, some ICCIDs, or those a
 * filter selects) or asks to push the approved ones now. The decision and the jobs it
 * queues are the same ones `simopt changes approve|push` makes (`services/changes.service.ts`).
 */
import { z } from 'zod'
import { approveChanges, listChanges, pushChanges } from '../../services/changes.service.js'
import { CHANGE_ORDERS, CHANGE_STATUSES } from '../../store/index.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'
import { iccidText, pageLimit, sessionParams } from '../schemas.js'

const selection = z.object({
  changes: z.number().int(),
  saving: z.number().describe('own savings plus pool effects, in the account currency, unrounded'),
  ownSaving: z.number(),
  poolEffect: z.number(),
})

const pushAnswer = z.object({
  approved: z.number().int().describe('changes approved by this request'),
  approvedSelection: selection.describe('what the changes approved by this request add up to'),
  currency: z.string().describe("ISO 4217 code of the amounts (the provider's currency setting)"),
  verdict: z.enum(['go', 'no-go', 'awaiting-approval']),
  reason: z.string(),
  estimatedSeconds: z.number(),
})

const changeLine = z.object({
  iccid: z.string(),
  oldPlan: z.string(),
  newPlan: z.string(),
  saving: z.number().describe('what the change saves: ownSaving + poolEffect; the changes add up to the session saving'),
  ownSaving: z.number().describe("what the SIM's own lines (monthly, SMS, overage off a pool) cost less"),
  poolEffect: z.number().describe('its share of what the pools it leaves and joins charge less'),
  status: z.enum(CHANGE_STATUSES),
  attempts: z.number().int(),
  approvedBy: z.string().nullable(),
  answer: z.string().nullable(),
  foundPlan: z.string().nullable(),
})

const planCode = z.string().min(1).max(100)
/** An amount in a query string: digits as written, never an empty value or a word taken for 0. */
const moneyText = z
  .string()
  .regex(/^-?\d{1,15}(\.\d{1,6})?$/, { error: 'must be an amount such as 12.50' })
  .transform(Number)
/** An amount in a JSON body: a number, not a string, null or true taken for one. */
const moneyNumber = z.number().refine(Number.isFinite, { error: 'must be a finite number' })

/** Which changes, by plan and saving: what a list shows and an approval may take. */
function changeFilterOf<Money extends z.ZodType<number, unknown>>(money: Money) {
  return z.object({
    fromPlan: planCode.optional().describe('only changes off this plan'),
    toPlan: planCode.optional().describe('only changes onto this plan'),
    minSaving: money.optional().describe('only changes saving at least this much'),
    maxSaving: money.optional().describe('only changes saving at most this much (0: the ones that cost on their own or overall)'),
  })
}

const changesQuery = changeFilterOf(moneyText).extend({
  status: z.enum(CHANGE_STATUSES).optional(),
  order: z.enum(CHANGE_ORDERS).default('iccid').describe('iccid, or saving-desc / saving-asc (then by ICCID)'),
  after: z.string().max(64).optional().describe("the previous page's next"),
  limit: pageLimit(100, 1000),
})

const changeListing = z.object({
  counts: z.partialRecord(z.enum(CHANGE_STATUSES), z.number().int()).describe('changes by status'),
  pushDecision: z.string().nullable(),
  pushReason: z.string().nullable(),
  pushEstimatedSeconds: z.number().nullable(),
  currency: z.string().describe("ISO 4217 code of the amounts (the provider's currency setting)"),
  selection: selection.describe('what the changes the filter selects add up to, over every page'),
  rows: z.array(changeLine),
  next: z.string().nullable().describe('pass as after= for the next page; null on the last'),
})

const approveBody = z
  .object({
    iccids: z.array(iccidText).min(1).max(100_000).optional().describe('only these'),
    filter: changeFilterOf(moneyNumber)
      .strict()
      .refine((filter) => Object.keys(filter).length > 0, { error: 'a filter must name a plan or a saving; leave it out to approve all' })
      .optional()
      .describe('only the planned changes this selects'),
  })
  .refine((body) => body.iccids === undefined || body.filter === undefined, { error: 'give iccids or a filter, not both', path: ['filter'] })
  .describe('iccids, a filter, or neither: all planned changes')

export function changeRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)

  app.get(
    '/api/sessions/:id/changes',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listChanges',
        tags: ['changes'],
        summary: "the session's rate plan changes: counts by status, the push decision, the filter's totals, and a page of changes in the order asked",
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
        summary: 'approve the planned changes (all, the ICCIDs given, or those a filter selects), then decide go / no-go and queue the push on a go; answers what the approved ones add up to',
        params: sessionParams,
        body: approveBody,
        response: replies({ 200: pushAnswer }),
      },
    },
    async (request) => {
      const caller = callerOf(request)
      const { iccids, filter } = request.body
      return approveChanges(ctx, request.params.id, iccids !== undefined ? { iccids } : filter !== undefined ? { filter } : 'all', caller.actor, caller)
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
