/** Savings per billing period (month), for the overview chart. */
import type { FastifyInstance } from 'fastify'
import { callerOf } from '../auth.js'
import type { ApiDeps } from '../deps.js'
import { monthlySavings } from '../queries/monthly-savings.js'
import { limitQuery, responses, tenantQuery } from '../schemas.js'
import { listingTenant } from '../tenant-scope.js'

export function savingsRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get<{ Querystring: { tenant?: string; periods: number } }>(
    '/api/savings',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['sessions'],
        summary: 'cost before and after and savings per billing period (the last finished session of each provider and period)',
        querystring: { type: 'object', properties: { tenant: tenantQuery, periods: limitQuery(12, 120) } },
        response: responses({
          200: {
            type: 'object',
            properties: {
              periods: {
                type: 'array',
                items: { type: 'object', properties: { period: { type: 'string' }, costBefore: { type: 'number' }, costAfter: { type: 'number' }, savings: { type: 'number' } } },
              },
            },
          },
        }),
      },
    },
    async (request) => {
      const tenant = await listingTenant(store, callerOf(request), request.query.tenant)
      return { periods: await monthlySavings(store, tenant?.id, request.query.periods) }
    },
  )
}
