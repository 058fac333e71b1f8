/** Sessions: start, list, one in detail (stages, progress, figures), cancel. */
import { z } from 'zod'
import { savingsFigures } from '../../domain/index.js'
import { cancelSession, getSession, listSessions, startSession, type ShownSession } from '../../services/sessions.service.js'
import { SESSION_STATUSES, entityName, optimizerInfoSchema, type SessionView, type SyncProgress } from '../../store/index.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'
import { epochMillis, nullableEpochMillis, pageLimit, periodText, sessionParams, tenantParam } from '../schemas.js'
import { listingTenant, requestTenant } from '../tenant-scope.js'

const count = z.number().int().nullable()
const money = z.number().nullable()

const sessionRow = z.object({
  id: z.string(),
  tenant: z.string(),
  provider: z.string(),
  period: z.string(),
  status: z.enum(SESSION_STATUSES),
  message: z.string().nullable(),
  trigger: z.string(),
  createdAt: epochMillis,
  finishedAt: nullableEpochMillis,
  currency: z.string().describe("ISO 4217 code of the amounts (the provider's currency setting)"),
  sims: count,
  costBefore: money,
  costAfter: money,
  changes: count,
})

const instance = z.object({
  id: z.string(),
  status: z.string(),
  message: z.string().nullable(),
  sims: count,
  componentCount: count,
  componentsDone: z.number().int(),
  costBefore: money,
  costAfter: money,
  savings: money,
  savingsPct: money,
  lowerBound: money,
  gapPct: money,
  baselineCost: money.describe("the old system's (seed strategy's) cost"),
  changes: count,
  pushDecision: z.string().nullable(),
  pushReason: z.string().nullable(),
  finishedAt: nullableEpochMillis,
})

const sync = z.object({
  stage: z.string(),
  devicesSeen: z.number().int(),
  devicesAdded: z.number().int(),
  devicesUpdated: z.number().int(),
  commPlansAdded: z.number().int(),
  usageRows: z.number().int(),
  calls: z.number().int(),
  errors: z.number().int(),
  startedAt: epochMillis,
  finishedAt: nullableEpochMillis,
  simsDone: z.number().int().describe('devices listed so far by the crawl (stage devices), then devices whose usage is read'),
  simsTotal: z.number().int().nullable().describe('what simsDone counts towards: the billed devices; null while the crawl runs'),
  fraction: z.number().min(0).max(1).describe('share of the sync done: the crawl is its first half, the usage its second'),
  remainingMs: z.number().int().nullable().describe('time the sync should still take at its pace so far; null until it can tell'),
})

const sessionDetail = sessionRow.extend({
  timeZone: z.string().describe("IANA zone the tenant reads times in (its timeZone setting); times are epoch ms"),
  attempt: z.number().int(),
  percent: z.number().int().min(0).max(100),
  stages: z
    .array(z.object({ entity: z.string(), from: z.string().nullable(), to: z.string(), message: z.string().nullable(), at: epochMillis }))
    .describe('every status change of the session and its instances, in order'),
  instances: z.array(instance),
  syncs: z.array(sync),
  optimizer: optimizerInfoSchema.optional().describe("the optimizer's result info over the components solved so far: status, components, evaluations, time per phase"),
})

// A property not in the schema is dropped, not refused, as fastify's JSON schema validation did.
const startBody = z.object({
  tenant: tenantParam.optional(),
  provider: entityName.describe('service provider name'),
  period: periodText,
  sync: z.boolean().default(true).describe('sync devices and usage from the carrier first (providers with a carrier API)'),
})

const listQuery = z.object({
  tenant: tenantParam.optional(),
  before: z.coerce.number().int().optional().describe('only sessions created before this (epoch ms: the last createdAt of the previous page)'),
  limit: pageLimit(20, 200),
})

export function sessionRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)
  const { store } = deps

  app.post(
    '/api/sessions',
    {
      config: { role: 'operator' },
      schema: {
        operationId: 'startSession',
        tags: ['sessions'],
        summary: 'start an optimization session for a provider and billing period',
        body: startBody,
        response: replies({ 201: z.object({ id: z.string() }) }),
      },
    },
    async (request, reply) => {
      const tenant = await requestTenant(store, callerOf(request), request.body.tenant, 'body/tenant')
      const { id } = await startSession(ctx, { tenant: tenant.name, provider: request.body.provider, period: request.body.period, trigger: 'api', sync: request.body.sync })
      return reply.status(201).send({ id })
    },
  )

  app.get(
    '/api/sessions',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listSessions',
        tags: ['sessions'],
        summary: 'sessions, newest first, a page at a time',
        querystring: listQuery,
        response: replies({ 200: z.object({ sessions: z.array(sessionRow) }) }),
      },
    },
    async (request) => {
      const tenant = await listingTenant(store, callerOf(request), request.query.tenant)
      const sessions = await listSessions(ctx, { tenantId: tenant?.id, before: request.query.before, limit: request.query.limit })
      return { sessions: sessions }
    },
  )

  app.get(
    '/api/sessions/:id',
    {
      config: { role: 'viewer' },
      schema: { operationId: 'getSession', tags: ['sessions'], summary: 'one session: its stages, progress (percent) and figures', params: sessionParams, response: replies({ 200: sessionDetail }) },
    },
    async (request) => detail(await getSession(ctx, request.params.id, callerOf(request))),
  )

  app.post(
    '/api/sessions/:id/cancel',
    {
      config: { role: 'operator' },
      schema: { operationId: 'cancelSession', tags: ['sessions'], summary: 'cancel a session that has not ended', params: sessionParams, response: replies({ 200: sessionDetail }) },
    },
    async (request) => {
      const caller = callerOf(request)
      return detail(await cancelSession(ctx, request.params.id, caller.actor, caller))
    },
  )
}

/** The API's view of a session: its row, its first instance's figures on top, and every instance's in full. */
function detail(view: ShownSession): z.input<typeof sessionDetail> {
  const first = view.instances[0]
  return {
    id: view.id,
    tenant: view.tenant,
    provider: view.provider,
    period: view.period,
    status: view.status,
    message: view.message,
    trigger: view.trigger,
    attempt: view.attempt,
    createdAt: view.createdAt,
    finishedAt: view.finishedAt,
    currency: view.currency,
    timeZone: view.timeZone,
    percent: view.percent,
    sims: first?.sims ?? null,
    costBefore: first?.cost_before ?? null,
    costAfter: first?.cost_after ?? null,
    changes: first?.changes ?? null,
    stages: [...view.transitions],
    instances: view.instances.map((instance) => {
      const figures = instance.cost_before === null || instance.cost_after === null ? undefined : savingsFigures(instance.cost_before, instance.cost_after, instance.lower_bound)
      return {
        id: instance.id,
        status: instance.status,
        message: instance.message,
        sims: instance.sims,
        componentCount: instance.component_count,
        componentsDone: instance.components_done,
        costBefore: instance.cost_before,
        costAfter: instance.cost_after,
        savings: figures?.savings ?? null,
        savingsPct: figures?.savingsPct ?? null,
        lowerBound: instance.lower_bound,
        gapPct: figures?.gapPct ?? null,
        baselineCost: instance.baseline_cost,
        changes: instance.changes,
        pushDecision: instance.push_decision,
        pushReason: instance.push_reason,
        finishedAt: instance.finished_at,
      }
    }),
    syncs: view.syncs.map((sync, index) => ({
      ...syncProgressFields(view.syncProgress[index]),
      stage: sync.stage,
      devicesSeen: sync.devices_seen,
      devicesAdded: sync.devices_added,
      devicesUpdated: sync.devices_updated,
      commPlansAdded: sync.comm_plans_added,
      usageRows: sync.usage_rows,
      calls: sync.calls,
      errors: sync.errors,
      startedAt: sync.started_at,
      finishedAt: sync.finished_at,
    })),
    optimizer: view.optimizer,
  }
}

function syncProgressFields(progress: SyncProgress | undefined) {
  return { simsDone: progress?.simsDone ?? 0, simsTotal: progress?.simsTotal ?? null, fraction: progress?.fraction ?? 0, remainingMs: progress?.remainingMs ?? null }
}
