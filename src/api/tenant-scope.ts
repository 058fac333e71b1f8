/**
 * What a caller may see: a tenant's key sees its tenant only, a service-wide administrator every tenant.
 * Anything of another tenant answers 404, exactly as if it did not exist.
 */
import type { Selectable } from 'kysely'
import { SimoptError, quoteInput } from '../domain/index.js'
import type { Store } from '../store/database.js'
import type { InstanceTable } from '../store/schema.js'
import type { Caller } from './auth.js'
import { notFound } from './http-error.js'

export interface TenantRef {
  readonly id: string
  readonly name: string
}

/** The tenant named in the request, if the caller may see it. */
export async function visibleTenant(store: Store, caller: Caller, name: string): Promise<TenantRef> {
  const row = await store.db.selectFrom('tenants').select(['id', 'name']).where('name', '=', name).executeTakeFirst()
  if (row === undefined || (caller.tenantId !== null && caller.tenantId !== row.id)) throw notFound('TENANT_NOT_FOUND', `tenant ${quoteInput(name)}`)
  return row
}

/**
 * The tenant a request is about: the one named, else the caller's own.
 * @throws SimoptError `INPUT_INVALID` when a service-wide key names none.
 */
export async function requestTenant(store: Store, caller: Caller, name: string | undefined, field: string): Promise<TenantRef> {
  if (name !== undefined) return visibleTenant(store, caller, name)
  if (caller.tenantId === null || caller.tenantName === null) throw new SimoptError('INPUT_INVALID', `${field} is required with a service-wide key`)
  return { id: caller.tenantId, name: caller.tenantName }
}

/**
 * The tenant to filter a listing by: the one named, the caller's own, or (a service-wide key naming none)
 * undefined for every tenant.
 */
export async function listingTenant(store: Store, caller: Caller, name: string | undefined): Promise<TenantRef | undefined> {
  if (name !== undefined) return visibleTenant(store, caller, name)
  return caller.tenantId === null ? undefined : { id: caller.tenantId, name: caller.tenantName ?? '' }
}

export interface VisibleSession {
  readonly id: string
  readonly tenantId: string
  readonly status: string
}

export async function visibleSession(store: Store, caller: Caller, sessionId: string): Promise<VisibleSession> {
  const row = await store.db.selectFrom('sessions').select(['id', 'tenant_id', 'status']).where('id', '=', sessionId).executeTakeFirst()
  if (row === undefined || (caller.tenantId !== null && caller.tenantId !== row.tenant_id)) throw notFound('SESSION_NOT_FOUND', `session ${sessionId}`)
  return { id: row.id, tenantId: row.tenant_id, status: row.status }
}

/**
 * The session's instance (one per provider; sessions have one provider today), once it has a result.
 * @throws SimoptError `SESSION_NOT_FOUND` for a session the caller may not see, `STATE_CONFLICT` while it has no result.
 */
export async function finishedInstance(store: Store, caller: Caller, sessionId: string): Promise<Selectable<InstanceTable>> {
  const session = await visibleSession(store, caller, sessionId)
  const instance = await store.db.selectFrom('instances').selectAll().where('session_id', '=', session.id).orderBy('created_at').executeTakeFirst()
  if (instance === undefined || instance.cost_after === null || session.status !== 'done') {
    throw new SimoptError('STATE_CONFLICT', `session ${sessionId} is ${session.status}; its results exist once it is done`)
  }
  return instance
}
