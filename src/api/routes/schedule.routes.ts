/**
 * The schedule of a tenant's sessions: what it decides at a moment (now by default; nothing is started,
 * as `simopt schedule --dry-run`), and what it did lately (`simopt schedule --history`).
 */
import { z } from 'zod'
import { showSchedule } from '../../services/schedules.service.js'
import { epochMillis, tenantParams } from '../schemas.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'

const decision = z.object({
  provider: z.string(),
  kind: z.enum(['start', 'skip', 'ran', 'waiting']).describe('start: due now; skip: due but held back (reason); ran: the slot had its session; waiting: due at dueAt'),
  period: z.string(),
  day: z.string().describe('local date of the run in the billing time zone'),
  slot: z.string().describe('the run’s key: its local date, or its local hour with offset on a continuous last day'),
  dueAt: epochMillis,
  reason: z.string().nullable(),
  sessionId: z.string().nullable(),
})

const record = z.object({
  provider: z.string(),
  slot: z.string(),
  period: z.string(),
  outcome: z.enum(['started', 'skipped']),
  reason: z.string().nullable(),
  sessionId: z.string().nullable(),
  skips: z.number().int(),
  updatedAt: epochMillis,
})

const schedule = z.object({
  at: epochMillis,
  days: z.number().int().describe('scheduled days at the end of each period (SIMOPT_SCHEDULE_DAYS)'),
  cron: z.string().nullable().describe('when the built-in scheduler ticks (SIMOPT_SCHEDULE_CRON); null: off'),
  providers: z.array(decision),
  invalid: z.array(z.object({ provider: z.string(), reason: z.string() })),
  history: z.array(record),
})

const query = z.object({
  at: z.iso.datetime({ offset: true }).optional().describe('ask about this moment (default now); nothing is started'),
  limit: z.coerce.number().int().min(1).max(500).default(20),
})

export function scheduleRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)
  app.get(
    '/api/tenants/:tenant/schedule',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getSchedule',
        tags: ['sessions'],
        summary: "the schedule of the tenant's sessions: each provider's next or current run, and the latest records",
        params: tenantParams,
        querystring: query,
        response: replies({ 200: schedule }),
      },
    },
    async (request) => {
      const at = request.query.at === undefined ? Date.now() : Date.parse(request.query.at)
      const found = await showSchedule(ctx, { tenant: request.params.tenant, at, limit: request.query.limit }, callerOf(request))
      return {
        at: found.at,
        days: found.days,
        cron: found.cron,
        providers: found.decisions.map((decision) => ({
          provider: decision.provider.name,
          kind: decision.kind,
          period: decision.period,
          day: decision.day,
          slot: decision.slot,
          dueAt: decision.dueAt,
          reason: decision.kind === 'skip' ? decision.reason : null,
          sessionId: decision.kind === 'ran' ? decision.sessionId : null,
        })),
        invalid: found.invalid.map((provider) => ({ provider: provider.name, reason: provider.reason })),
        history: [...found.history],
      }
    },
  )
}
