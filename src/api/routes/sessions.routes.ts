/** Sessions: start, list, one in detail (stages, progress, figures), cancel. */
import type { FastifyInstance } from 'fastify'
import { cancelSession, startSession } from '../../jobs/sessions.js'
import { findSession, listSessions, type SessionView } from '../../store/session-views.js'
import { savingsFigures } from '../../domain/index.js'
import { callerOf } from '../auth.js'
import type { ApiDeps } from '../deps.js'
import { notFound } from '../http-error.js'
import {
  epochMs,
  limitQuery,
  nameSchema,
  nullableEpochMs,
  nullableNumber,
  nullableString,
  PERIOD_PATTERN,
  responses,
  sessionIdParams,
  tenantQuery,
  type SessionIdParams,
} from '../schemas.js'
import { listingTenant, requestTenant, visibleSession } from '../tenant-scope.js'

const sessionRow = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    tenant: { type: 'string' },
    provider: { type: 'string' },
    period: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'syncing', 'optimizing', 'finalizing', 'done', 'failed', 'cancelled'] },
    message: nullableString,
    trigger: { type: 'string' },
    createdAt: epochMs,
    finishedAt: nullableEpochMs,
    sims: { type: ['integer', 'null'] },
    costBefore: nullableNumber,
    costAfter: nullableNumber,
    changes: { type: ['integer', 'null'] },
  },
} as const

const instanceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string' },
    message: nullableString,
    sims: { type: ['integer', 'null'] },
    componentCount: { type: ['integer', 'null'] },
    componentsDone: { type: 'integer' },
    costBefore: nullableNumber,
    costAfter: nullableNumber,
    savings: nullableNumber,
    savingsPct: nullableNumber,
    lowerBound: nullableNumber,
    gapPct: nullableNumber,
    baselineCost: { ...nullableNumber, description: "the old system's (seed strategy's) cost" },
    changes: { type: ['integer', 'null'] },
    pushDecision: nullableString,
    pushReason: nullableString,
    finishedAt: nullableEpochMs,
  },
} as const

const syncSchema = {
  type: 'object',
  properties: {
    stage: { type: 'string' },
    devicesSeen: { type: 'integer' },
    devicesAdded: { type: 'integer' },
    devicesUpdated: { type: 'integer' },
    commPlansAdded: { type: 'integer' },
    usageRows: { type: 'integer' },
    calls: { type: 'integer' },
    errors: { type: 'integer' },
    startedAt: epochMs,
    finishedAt: nullableEpochMs,
  },
} as const

const sessionDetail = {
  type: 'object',
  properties: {
    ...sessionRow.properties,
    attempt: { type: 'integer' },
    percent: { type: 'integer', minimum: 0, maximum: 100 },
    stages: {
      type: 'array',
      description: 'every status change of the session and its instances, in order',
      items: { type: 'object', properties: { entity: { type: 'string' }, from: nullableString, to: { type: 'string' }, message: nullableString, at: epochMs } },
    },
    instances: { type: 'array', items: instanceSchema },
    syncs: { type: 'array', items: syncSchema },
  },
} as const

interface StartBody {
  tenant?: string
  provider: string
  period: string
  sync?: boolean
}

interface ListQuery {
  tenant?: string
  before?: number
  limit: number
}

export function sessionRoutes(app: FastifyInstance, { store, queue, config }: ApiDeps): void {
  app.post<{ Body: StartBody }>(
    '/api/sessions',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['sessions'],
        summary: 'start an optimization session for a provider and billing period',
        body: {
          type: 'object',
          required: ['provider', 'period'],
          additionalProperties: false,
          properties: {
            tenant: tenantQuery,
            provider: nameSchema,
            period: { type: 'string', pattern: PERIOD_PATTERN, description: 'billing period, YYYY-MM' },
            sync: { type: 'boolean', default: true, description: 'sync devices and usage from the carrier first (providers with a carrier API)' },
          },
        },
        response: responses({ 201: { type: 'object', properties: { id: { type: 'string' } } } }),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const tenant = await requestTenant(store, caller, request.body.tenant, 'body/tenant')
      const provider = await store.db.selectFrom('service_providers').select('id').where('tenant_id', '=', tenant.id).where('name', '=', request.body.provider).executeTakeFirst()
      if (provider === undefined) throw notFound('PROVIDER_NOT_FOUND', `provider ${JSON.stringify(request.body.provider)} of tenant ${tenant.name}`)
      const id = await startSession(store, queue, config, { tenant: tenant.name, provider: request.body.provider, period: request.body.period, trigger: 'api', sync: request.body.sync })
      return reply.status(201).send({ id })
    },
  )

  app.get<{ Querystring: ListQuery }>(
    '/api/sessions',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['sessions'],
        summary: 'sessions, newest first, a page at a time',
        querystring: {
          type: 'object',
          properties: { tenant: tenantQuery, before: { ...epochMs, description: 'only sessions created before this (the last createdAt of the previous page)' }, limit: limitQuery(20, 200) },
        },
        response: responses({ 200: { type: 'object', properties: { sessions: { type: 'array', items: sessionRow } } } }),
      },
    },
    async (request) => {
      const tenant = await listingTenant(store, callerOf(request), request.query.tenant)
      // The row schema leaves out what the list has beyond it (the attempt).
      return { sessions: await listSessions(store.db, { tenantId: tenant?.id, before: request.query.before, limit: request.query.limit }) }
    },
  )

  app.get<{ Params: SessionIdParams }>(
    '/api/sessions/:id',
    {
      config: { role: 'viewer' },
      schema: { tags: ['sessions'], summary: 'one session: its stages, progress (percent) and figures', params: sessionIdParams, response: responses({ 200: sessionDetail }) },
    },
    async (request) => {
      await visibleSession(store, callerOf(request), request.params.id)
      const view = await findSession(store.db, request.params.id)
      if (view === undefined) throw notFound('SESSION_NOT_FOUND', `session ${request.params.id}`)
      return detail(view)
    },
  )

  app.post<{ Params: SessionIdParams }>(
    '/api/sessions/:id/cancel',
    {
      config: { role: 'operator' },
      schema: { tags: ['sessions'], summary: 'cancel a session that has not ended', params: sessionIdParams, response: responses({ 200: sessionDetail }) },
    },
    async (request) => {
      const caller = callerOf(request)
      await visibleSession(store, caller, request.params.id)
      await cancelSession(store, queue, config, request.params.id, caller.actor)
      return detail((await findSession(store.db, request.params.id))!)
    },
  )
}

function detail(view: SessionView) {
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
    percent: view.percent,
    sims: first?.sims ?? null,
    costBefore: first?.cost_before ?? null,
    costAfter: first?.cost_after ?? null,
    changes: first?.changes ?? null,
    stages: view.transitions,
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
    syncs: view.syncs.map((sync) => ({
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
  }
}
