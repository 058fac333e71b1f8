/** Tenants: an administrator lists them (a tenant's administrator sees its own); a service-wide one creates them. */
import { z } from 'zod'
import { createTenant, listTenants } from '../../services/tenants.service.js'
import { epochMillis, name } from '../schemas.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'

const tenant = z.object({ id: z.string(), name: z.string(), createdAt: epochMillis })

export function tenantRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)

  app.get(
    '/api/tenants',
    {
      config: { role: 'admin' },
      schema: { operationId: 'listTenants', tags: ['tenants'], summary: 'tenants the key may see, by name', response: replies({ 200: z.object({ tenants: z.array(tenant) }) }) },
    },
    async (request) => ({ tenants: await listTenants(ctx, callerOf(request)) }),
  )

  app.post(
    '/api/tenants',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'createTenant',
        tags: ['tenants'],
        summary: 'create a tenant (service-wide administrators only)',
        body: z.object({ name }),
        response: replies({ 201: tenant }),
      },
    },
    async (request, reply) => reply.status(201).send(await createTenant(ctx, request.body, callerOf(request))),
  )
}
