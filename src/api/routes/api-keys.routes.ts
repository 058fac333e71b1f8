/**
 * API keys, for administrators: made (the key is in that answer only), listed (never the key), revoked.
 * A tenant's administrator manages its tenant's keys; a service-wide one any tenant's, and service-wide keys.
 * Also `/api/me`: who the key in hand is, for the dashboard's login.
 */
import { SimoptError } from '../../domain/index.js'
import type { FastifyInstance } from 'fastify'
import { createApiKey, revokeApiKey, type ApiRole } from '../../store/api-keys.js'
import { callerOf } from '../auth.js'
import type { ApiDeps } from '../deps.js'
import { notFound } from '../http-error.js'
import { listApiKeys } from '../queries/api-key-list.js'
import { epochMs, nameSchema, nullableEpochMs, nullableString, responses, roleSchema, tenantQuery } from '../schemas.js'
import { listingTenant, requestTenant } from '../tenant-scope.js'

const keyListing = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, role: roleSchema, tenant: { ...nullableString, description: 'null: service-wide' }, createdAt: epochMs, lastUsedAt: nullableEpochMs, revokedAt: nullableEpochMs },
} as const

export function apiKeyRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get(
    '/api/me',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['api keys'],
        summary: 'the key in hand: its name, role and tenant',
        response: responses({ 200: { type: 'object', properties: { name: { type: 'string' }, role: roleSchema, tenant: { ...nullableString, description: 'null: service-wide' } } } }),
      },
    },
    async (request) => {
      const caller = callerOf(request)
      return { name: caller.actor.slice('api:'.length), role: caller.role, tenant: caller.tenantName }
    },
  )

  app.get<{ Querystring: { tenant?: string } }>(
    '/api/api-keys',
    {
      config: { role: 'admin' },
      schema: { tags: ['api keys'], summary: 'API keys (never the keys themselves)', querystring: { type: 'object', properties: { tenant: tenantQuery } }, response: responses({ 200: { type: 'object', properties: { keys: { type: 'array', items: keyListing } } } }) },
    },
    async (request) => {
      const tenant = await listingTenant(store, callerOf(request), request.query.tenant)
      return { keys: await listApiKeys(store.db, tenant?.id) }
    },
  )

  app.post<{ Body: { name: string; role: ApiRole; tenant?: string } }>(
    '/api/api-keys',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['api keys'],
        summary: 'make a key; the answer is the only time it is shown. No tenant with role admin (service-wide keys only): a service-wide administrator',
        body: { type: 'object', required: ['name', 'role'], additionalProperties: false, properties: { name: nameSchema, role: roleSchema, tenant: tenantQuery } },
        response: responses({ 201: { type: 'object', properties: { ...keyListing.properties, key: { type: 'string', description: 'shown once' } } } }),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      const { name, role, tenant: tenantName } = request.body
      const serviceWide = tenantName === undefined && caller.tenantId === null
      if (serviceWide && role !== 'admin') throw new SimoptError('INPUT_INVALID', 'body/tenant is required for a viewer or operator key (only administrators can be service-wide)')
      const tenant = serviceWide ? undefined : await requestTenant(store, caller, tenantName, 'body/tenant')
      const { key, row } = await createApiKey(store.db, { tenantId: tenant?.id ?? null, name, role })
      return reply.status(201).send({ id: row.id, name, role, tenant: tenant?.name ?? null, createdAt: row.created_at, lastUsedAt: null, revokedAt: null, key })
    },
  )

  app.delete<{ Params: { id: string } }>(
    '/api/api-keys/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['api keys'],
        summary: 'revoke a key: it stops working at once',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        response: responses({ 200: { type: 'object', properties: { id: { type: 'string' }, revoked: { type: 'boolean' } } } }),
      },
    },
    async (request) => {
      const caller = callerOf(request)
      const row = await store.db.selectFrom('api_keys').select(['id', 'tenant_id', 'revoked_at']).where('id', '=', request.params.id).executeTakeFirst()
      if (row === undefined || (caller.tenantId !== null && row.tenant_id !== caller.tenantId)) throw notFound('API_KEY_NOT_FOUND', `API key ${request.params.id}`)
      if (row.revoked_at !== null || !(await revokeApiKey(store.db, row.id))) throw new SimoptError('STATE_CONFLICT', `API key ${request.params.id} is already revoked`)
      return { id: row.id, revoked: true }
    },
  )
}
