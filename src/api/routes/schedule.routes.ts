/**
 * The schedule of a tenant's sessions: what it decides at a moment (now by default; nothing is started,
 * as `simopt schedule --dry-run`), and what it did lately (`simopt schedule --history`).
 */
import type { FastifyInstance } from 'fastify'
import { scheduleTick } from '../../jobs/schedule-tick.js'
import { scheduleHistory } from '../../store/schedule-runs.js'
import { callerOf } from '../auth.js'
import type { ApiDeps } from '../deps.js'
import { epochMs, limitQuery, nameSchema, nullableString, responses } from '../schemas.js'
import { visibleTenant } from '../tenant-scope.js'

const decisionSchema = {
  type: 'object',
  properties: {
    provider: { type: 'string' },
    kind: { type: 'string', enum: ['start', 'skip', 'ran', 'waiting'], description: 'start: due now; skip: due but held back (reason); ran: the slot had its session; waiting: due at dueAt' },
    period: { type: 'string' },
    day: { type: 'string', description: 'local date of the run in the billing time zone' },
    slot: { type: 'string', description: 'the run’s key: its local date, or its local hour with offset on a continuous last day' },
    dueAt: epochMs,
    reason: nullableString,
    sessionId: nullableString,
  },
} as const

const recordSchema = {
  type: 'object',
  properties: {
    provider: { type: 'string' },
    slot: { type: 'string' },
    period: { type: 'string' },
    outcome: { type: 'string', enum: ['started', 'skipped'] },
    reason: nullableString,
    sessionId: nullableString,
    skips: { type: 'integer' },
    updatedAt: epochMs,
  },
} as const

export function scheduleRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { store, config } = deps
  app.get<{ Params: { tenant: string }; Querystring: { at?: string; limit: number } }>(
    '/api/tenants/:tenant/schedule',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['sessions'],
        summary: "the schedule of the tenant's sessions: each provider's next or current run, and the latest records",
        params: { type: 'object', required: ['tenant'], properties: { tenant: nameSchema } },
        querystring: { type: 'object', properties: { at: { type: 'string', format: 'date-time', description: 'ask about this moment (default now); nothing is started' }, limit: limitQuery(20, 500) } },
        response: responses({
          200: {
            type: 'object',
            properties: {
              at: epochMs,
              days: { type: 'integer', description: 'scheduled days at the end of each period (SIMOPT_SCHEDULE_DAYS)' },
              cron: { ...nullableString, description: 'when the built-in scheduler ticks (SIMOPT_SCHEDULE_CRON); null: off' },
              providers: { type: 'array', items: decisionSchema },
              invalid: { type: 'array', items: { type: 'object', properties: { provider: { type: 'string' }, reason: { type: 'string' } } } },
              history: { type: 'array', items: recordSchema },
            },
          },
        }),
      },
    },
    async (request) => {
      const tenant = await visibleTenant(store, callerOf(request), request.params.tenant)
      const at = request.query.at === undefined ? Date.now() : Date.parse(request.query.at)
      const hasProviders = await store.db.selectFrom('service_providers').select('id').where('tenant_id', '=', tenant.id).executeTakeFirst()
      const outcomes = hasProviders === undefined ? [] : await scheduleTick(deps, { at, dryRun: true, tenant: tenant.name })
      const providers = outcomes.flatMap((outcome) => {
        if (outcome.kind === 'invalid') return []
        const { decision } = outcome
        return [
          {
            provider: decision.provider.name,
            kind: decision.kind,
            period: decision.period,
            day: decision.day,
            slot: decision.slot,
            dueAt: decision.dueAt,
            reason: decision.kind === 'skip' ? decision.reason : null,
            sessionId: decision.kind === 'ran' ? decision.sessionId : null,
          },
        ]
      })
      const invalid = outcomes.flatMap((outcome) => (outcome.kind === 'invalid' ? [{ provider: outcome.provider.name, reason: outcome.provider.reason }] : []))
      const history = await scheduleHistory(store.db, { tenant: tenant.name, limit: request.query.limit })
      return { at, days: config.scheduleDays, cron: config.scheduleCron ?? null, providers, invalid, history }
    },
  )
}
