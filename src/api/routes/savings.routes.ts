/** Savings per billing period (month), for the overview chart. */
import { z } from 'zod'
import { monthlySavings } from '../../services/reports.service.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'
import { pageLimit, tenantParam } from '../schemas.js'
import { listingTenant } from '../tenant-scope.js'

const periodSavings = z.object({ period: z.string(), costBefore: z.number(), costAfter: z.number(), savings: z.number() })

export function savingsRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)
  app.get(
    '/api/savings',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listSavings',
        tags: ['sessions'],
        summary: 'cost before and after and savings per billing period (the last finished session of each provider and period)',
        querystring: z.object({ tenant: tenantParam.optional(), periods: pageLimit(12, 120) }),
        response: replies({ 200: z.object({ periods: z.array(periodSavings) }) }),
      },
    },
    async (request) => {
      const tenant = await listingTenant(deps.store, callerOf(request), request.query.tenant)
      return { periods: await monthlySavings(ctx, tenant?.id, request.query.periods) }
    },
  )
}
