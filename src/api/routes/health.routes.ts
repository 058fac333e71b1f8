/** Liveness, readiness and metrics: open (no key), for load balancers, orchestrators and Prometheus. */
import { z } from 'zod'
import { replies, type ZodApp } from '../contract.js'
import type { ApiDeps } from '../deps.js'
import { metricsRegistry } from '../metrics.js'
import { cacheState } from '../../jobs/worker-cache.js'
import { pingDatabase } from '../../store/index.js'

const health = z.object({ status: z.enum(['ok', 'ready', 'degraded']), cache: z.string().optional() })

export function healthRoutes(app: ZodApp, { store }: ApiDeps): void {
  const registry = metricsRegistry(store)

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
        await pingDatabase(store.db)
        // The cache only speeds things up: without it the service is ready, but not at its best.
        return cacheState() === 'down' ? { status: 'degraded' as const, cache: 'unreachable' } : { status: 'ready' as const }
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
        summary: 'Prometheus metrics: sessions by status, stage durations, job queue depth and failures, carrier calls and errors, savings of the last run',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  )
}
