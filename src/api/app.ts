/**
 * The HTTP server: the API under `/api` (API keys, a zod contract on every route), its OpenAPI document at
 * `/docs` (made from those schemas), health and metrics, and the dashboard at `/`. Built by a factory so
 * tests and `simopt serve` run the same server.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { webRoutes } from '../web/index.js'
import { installAuth } from './auth.js'
import type { ApiDeps } from './deps.js'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { useZodContracts } from './contract.js'
import { installErrorHandlers } from './http-error.js'
import { apiKeyRoutes } from './routes/api-keys.routes.js'
import { changeRoutes } from './routes/changes.routes.js'
import { healthRoutes } from './routes/health.routes.js'
import { providerRoutes } from './routes/providers.routes.js'
import { resultRoutes } from './routes/results.routes.js'
import { savingsRoutes } from './routes/savings.routes.js'
import { customerRoutes } from './routes/customers.routes.js'
import { scheduleRoutes } from './routes/schedule.routes.js'
import { sessionRoutes } from './routes/sessions.routes.js'
import { tenantRoutes } from './routes/tenants.routes.js'
import { whatIfRoutes } from './routes/what-if.routes.js'

import { processMetrics } from '../jobs/metrics.js'
import { createLogger } from '../logger.js'

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // The one logger (JSON lines on standard error): standard output stays the command's own.
    loggerInstance: createLogger(deps.config) as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
  })
  // Every route's contract is zod (`contract.ts`): it validates, types, shapes the answer and documents.
  const zodApp = useZodContracts(app)
  installErrorHandlers(app)
  const metrics = processMetrics(deps.store, { fleet: true })
  app.addHook('onResponse', async (request, reply) => {
    // The route as declared: one series per route, not one per session id; unknown addresses share one.
    metrics.observeRequest({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, seconds: reply.elapsedTime / 1000 })
  })
  installAuth(app, deps.store)
  await app.register(swagger, {
    openapi: {
      info: { title: 'simopt', description: 'SIM card rate plan optimization: sessions, results, rate plan changes, what-if. Send Authorization: Bearer <API key>.', version: '1' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key (simopt apikey create)' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    // Named schemas (the error body) become components the routes refer to.
    transformObject: jsonSchemaTransformObject,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  healthRoutes(zodApp, deps, metrics)
  sessionRoutes(zodApp, deps)
  savingsRoutes(zodApp, deps)
  customerRoutes(zodApp, deps)
  resultRoutes(zodApp, deps)
  changeRoutes(zodApp, deps)
  tenantRoutes(zodApp, deps)
  providerRoutes(zodApp, deps)
  scheduleRoutes(zodApp, deps)
  apiKeyRoutes(zodApp, deps)
  // Its own scope: the multipart parser and the temp-folder clean-up belong to this route alone.
  await zodApp.register(async (scope) => whatIfRoutes(scope, deps))
  await zodApp.register(webRoutes)
  return app
}
