/**
 * Who is asking: `Authorization: Bearer <key>`, an API key of `src/store/api-keys.ts` (hashed at rest).
 * Every `/api` route names the least role it needs in its `config.role`; a route that names none is refused,
 * so a new route cannot be public by omission. Roles rank viewer < operator < admin.
 */
import { SimoptError } from '../domain/index.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { API_ROLES, findApiKey, markApiKeyUsed, tenantById, type ApiRole, type Store } from '../store/index.js'
import type { TenantScope } from '../services/tenant-access.js'

export interface Caller extends TenantScope {
  readonly keyId: string
  readonly role: ApiRole
  /** The one tenant the key sees; null for a service-wide administrator. */
  readonly tenantId: string | null
  readonly tenantName: string | null
  /** How the caller is named in the audit log. */
  readonly actor: string
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null
  }
  interface FastifyContextConfig {
    /** The least role a route needs; `/api` routes without one are refused. */
    role?: ApiRole
  }
}

/** Writing `last_used_at` on every request would make each read a write: once a minute per key is enough. */
const LAST_USED_EVERY_MS = 60_000

export function installAuth(app: FastifyInstance, store: Store): void {
  const lastUsedWritten = new Map<string, number>()
  app.decorateRequest('caller', null)
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return
    const needed = request.routeOptions.config.role
    // Unknown /api URLs fall through to the 404 handler, which has no role.
    if (request.routeOptions.url === undefined) return
    if (needed === undefined) throw new SimoptError('FORBIDDEN', `route ${request.routeOptions.url} is not open to API keys`)
    const caller = await authenticate(store, request)
    if (rank(caller.role) < rank(needed)) throw new SimoptError('FORBIDDEN', `this needs the ${needed} role; the key ${JSON.stringify(caller.actor.slice(4))} is ${caller.role}`)
    request.caller = caller
    const now = Date.now()
    if (now - (lastUsedWritten.get(caller.keyId) ?? 0) > LAST_USED_EVERY_MS) {
      lastUsedWritten.set(caller.keyId, now)
      await markApiKeyUsed(store.db, caller.keyId, now)
    }
  })
}

/** The request's caller; only routes with a role have one. */
export function callerOf(request: FastifyRequest): Caller {
  if (request.caller === null) throw new Error(`route ${request.routeOptions.url} has no role, so no caller`)
  return request.caller
}

async function authenticate(store: Store, request: FastifyRequest): Promise<Caller> {
  const header = request.headers.authorization
  if (header === undefined) throw new SimoptError('AUTH_REQUIRED', 'header Authorization is missing: send Authorization: Bearer <API key>')
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (match === null) throw new SimoptError('AUTH_REQUIRED', 'header Authorization must be Bearer <API key>')
  const row = await findApiKey(store.db, match[1]!)
  if (row === undefined) throw new SimoptError('AUTH_REQUIRED', 'the API key is unknown or revoked')
  const tenant = row.tenant_id === null ? undefined : await tenantById(store.db, row.tenant_id)
  return { keyId: row.id, role: row.role, tenantId: row.tenant_id, tenantName: tenant?.name ?? null, actor: `api:${row.name}` }
}

function rank(role: ApiRole): number {
  return API_ROLES.indexOf(role)
}
