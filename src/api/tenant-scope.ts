/**
 * What a caller may see (`services/tenant-access.ts`), for the routes: a tenant's key sees its tenant only,
 * a service-wide administrator every tenant. Anything of another tenant answers 404, exactly as if it did not exist.
 */
import * as access from '../services/tenant-access.js'
import type { SessionOwner, Store } from '../store/index.js'
import type { Caller } from './auth.js'

export type { TenantRef } from '../services/tenant-access.js'
export type { SessionOwner as VisibleSession } from '../store/index.js'

/** The tenant named in the request, if the caller may see it. @throws SimoptError `TENANT_NOT_FOUND`. */
export async function visibleTenant(store: Store, caller: Caller, name: string): Promise<access.TenantRef> {
  return access.visibleTenant(store.db, caller, name)
}

/** The tenant a request is about: the one named, else the caller's own. @throws SimoptError `INPUT_INVALID` when a service-wide key names none. */
export async function requestTenant(store: Store, caller: Caller, name: string | undefined, field: string): Promise<access.TenantRef> {
  return access.requestTenant(store.db, caller, name, field)
}

/** The tenant to filter a listing by: the one named, the caller's own, or (a service-wide key naming none) undefined for every tenant. */
export async function listingTenant(store: Store, caller: Caller, name: string | undefined): Promise<access.TenantRef | undefined> {
  return access.listingTenant(store.db, caller, name)
}

/** @throws SimoptError `SESSION_NOT_FOUND`. */
export async function visibleSession(store: Store, caller: Caller, sessionId: string): Promise<SessionOwner> {
  return access.visibleSession(store.db, caller, sessionId)
}

/** The session's instance, once it has a result. @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` while it has no result. */
export async function finishedInstance(store: Store, caller: Caller, sessionId: string) {
  return access.finishedInstance(store.db, caller, sessionId)
}
