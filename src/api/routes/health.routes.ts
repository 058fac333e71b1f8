/** Liveness, readiness and metrics: open (no key), for load balancers, orchestrators and Prometheus. */
import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import type { ApiDeps } from '../deps.js'
import { metricsRegistry } from '../metrics.js'
import { cacheState } from '../../jobs/worker-cache.js'
import { responses } from '../schemas.js'

const statusSchema = { type: 'object', properties: { status: { type: 'string' }, cache: { type: 'string' } } } as const

export function healthRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  const registry = metricsRegistry(store)

  app.get('/healthz', { schema: { tags: ['operations'], summary: 'the process is up', response: responses({ 200: statusSchema }) } }, async () => ({ status: 'ok' }))

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'the database answers (503 when it does not); `degraded` when the optional cache is configured but unreachable', response: responses({ 200: statusSchema }) } },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(store.db)
        // The cache only speeds things up: without it the service is ready, but not at its best.
        return cacheState() === 'down' ? { status: 'degraded', cache: 'unreachable' } : { status: 'ready' }
      } catch (error) {
        request.log.warn({ err: error }, 'database not reachable')
        return reply.status(503).send({ error: 'the database is not reachable' })
      }
    },
  )

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics: sessions by status, stage durations, job queue depth and failures, carrier calls and errors, savings of the last run',
        response: responses({ 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } }),
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  )
}
