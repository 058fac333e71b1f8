/**
 * API keys, for administrators: made (the key is in that answer only), listed (never the key), revoked.
 * A tenant's administrator manages its tenant's keys; a service-wide one any tenant's, and service-wide keys.
 * Also `/api/me`: who the key in hand is, for the dashboard's login.
 */
import { z } from 'zod'
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys.service.js'
import { epochMillis, name, nullableEpochMillis, role, tenantParam } from '../schemas.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'

const keyListing = z.object({
  id: z.string(),
  name: z.string(),
  role,
  tenant: z.string().nullable().describe('null: service-wide'),
  createdAt: epochMillis,
  lastUsedAt: nullableEpochMillis,
  revokedAt: nullableEpochMillis,
})

export function apiKeyRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)

  app.get(
    '/api/me',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getCurrentKey',
        tags: ['api keys'],
        summary: 'the key in hand: its name, role and tenant',
        response: replies({ 200: z.object({ name: z.string(), role, tenant: z.string().nullable().describe('null: service-wide') }) }),
      },
    },
    async (request) => {
      const caller = callerOf(request)
      return { name: caller.actor.slice('api:'.length), role: caller.role, tenant: caller.tenantName }
    },
  )

  app.get(
    '/api/api-keys',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'listApiKeys',
        tags: ['api keys'],
        summary: 'API keys (never the keys themselves)',
        querystring: z.object({ tenant: tenantParam.optional() }),
        response: replies({ 200: z.object({ keys: z.array(keyListing) }) }),
      },
    },
    async (request) => ({ keys: await listApiKeys(ctx, request.query, callerOf(request)) }),
  )

  app.post(
    '/api/api-keys',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'createApiKey',
        tags: ['api keys'],
        summary: 'make a key; the answer is the only time it is shown. No tenant with role admin (service-wide keys only): a service-wide administrator',
        body: z.object({ name, role, tenant: tenantParam.optional() }),
        response: replies({ 201: keyListing.extend({ key: z.string().describe('shown once') }) }),
      },
    },
    async (request, reply) => reply.status(201).send(await createApiKey(ctx, request.body, callerOf(request))),
  )

  app.delete(
    '/api/api-keys/:id',
    {
      config: { role: 'admin' },
      schema: {
        operationId: 'revokeApiKey',
        tags: ['api keys'],
        summary: 'revoke a key: it stops working at once',
        params: z.object({ id: z.uuid() }),
        response: replies({ 200: z.object({ id: z.string(), revoked: z.boolean() }) }),
      },
    },
    async (request) => {
      await revokeApiKey(ctx, request.params, callerOf(request))
      return { id: request.params.id, revoked: true }
    },
  )
}
