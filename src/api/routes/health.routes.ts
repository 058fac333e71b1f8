/**
 * Liveness and readiness: open (no key), for load balancers and orchestrators. Metrics: for Prometheus, with
 * the metrics token or from loopback (metrics-access.ts), not an API key.
 */
import { z } from 'zod'
import { replies, type ZodApp } from '../contract.js'
import type { ApiDeps } from '../deps.js'
import type { Metrics } from '../../jobs/metrics.js'
import { readiness } from '../../jobs/readiness.js'
import { metricsRefusal } from '../metrics-access.js'

const health = z.object({ status: z.enum(['ok', 'ready', 'degraded']), cache: z.string().optional() })

export function healthRoutes(app: ZodApp, { store, config }: ApiDeps, { registry }: Metrics): void {
  app.get('/healthz', { schema: { operationId: 'getHealth', tags: ['operations'], summary: 'the process is up', response: replies({ 200: health }) } }, async () => ({ status: 'ok' as const }))

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['operations'],
        summary: 'the database answers (503 when it does not); `degraded` when the optional cache is configured but unreachable',
        response: replies({ 200: health }),
      },
    },
    async (request, reply) => {
      try {
        return await readiness(store)
      } catch (error) {
        request.log.warn({ err: error }, 'database not reachable')
        return reply.status(503).send({ code: 'UNAVAILABLE', message: 'the database is not reachable' })
      }
    },
  )

  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics: this process (Node, jobs, pushes, deliveries, carrier calls and errors, HTTP requests) and the fleet (sessions by status and running time, stage durations, job queue depth, savings and SIMs of the last run, optimizer runs)',
        produces: ['text/plain'],
      },
    },
    async (request, reply) => {
      const refusal = metricsRefusal(config.metricsToken, request.headers.authorization, request.socket.remoteAddress)
      if (refusal !== undefined) throw refusal
      return reply.type(registry.contentType).send(await registry.metrics())
    },
  )
}
