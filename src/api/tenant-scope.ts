/**
 * What a caller may see (`services/tenant-access.ts`), for the routes: a tenant's key sees its tenant only,
 * a service-wide administrator every tenant. Anything of another tenant answers 404, exactly as if it did not exist.
 */
import * as access from '../services/tenant-access.js'
import type { Store } from '../store/index.js'
import type { Caller } from './auth.js'

export type { TenantRef } from '../services/tenant-access.js'

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
