/**
 * What a caller may see. An API key sees its own tenant only, a service-wide administrator's key every
 * tenant; the command line (no scope given) is the operator's and sees everything. Anything of another
 * tenant is answered as if it did not exist, so an API caller cannot tell the two apart.
 */
import { SimoptError, quoteInput } from '../domain/index.js'
import { findProviderOf, findTenant, type Db, type ProviderAccount, type Tenant } from '../store/index.js'

/** Whose request it is, as far as tenants go (the API's `Caller` is one). */
export interface TenantScope {
  /** The one tenant the caller sees; null for a service-wide administrator. */
  readonly tenantId: string | null
  readonly tenantName: string | null
}

export interface TenantRef {
  readonly id: string
  readonly name: string
}

/** No scope: the command line, which sees every tenant. */
export type Viewer = TenantScope | undefined

function sees(viewer: Viewer, tenantId: string): boolean {
  return viewer === undefined || viewer.tenantId === null || viewer.tenantId === tenantId
}

/**
 * The tenant named, if the viewer may see it.
 * @throws SimoptError `TENANT_NOT_FOUND`: the API's "not found" (existence does not leak), the command line's "does not exist".
 */
export async function visibleTenant(db: Db, viewer: Viewer, name: string, hint = ''): Promise<Tenant> {
  const tenant = await findTenant(db, name)
  if (tenant !== undefined && sees(viewer, tenant.id)) return tenant
  throw new SimoptError('TENANT_NOT_FOUND', viewer === undefined ? `tenant ${quoteInput(name)} does not exist${hint}` : `tenant ${quoteInput(name)} not found`)
}

/**
 * The tenant a request is about: the one named, else the caller's own.
 * @throws SimoptError `INPUT_INVALID` naming `field` when a service-wide caller names none.
 */
export async function requestTenant(db: Db, viewer: Viewer, name: string | undefined, field: string): Promise<TenantRef> {
  if (name !== undefined) return visibleTenant(db, viewer, name)
  if (viewer === undefined || viewer.tenantId === null || viewer.tenantName === null) throw new SimoptError('INPUT_INVALID', `${field} is required with a service-wide key`, { field })
  return { id: viewer.tenantId, name: viewer.tenantName }
}

/** The tenant to filter a listing by: the one named, the caller's own, or (service-wide, naming none) undefined for every tenant. */
export async function listingTenant(db: Db, viewer: Viewer, name: string | undefined): Promise<TenantRef | undefined> {
  if (name !== undefined) return visibleTenant(db, viewer, name)
  return viewer === undefined || viewer.tenantId === null ? undefined : { id: viewer.tenantId, name: viewer.tenantName ?? '' }
}

/**
 * The tenant's provider, if the viewer may see the tenant.
 * @throws SimoptError `TENANT_NOT_FOUND`, `PROVIDER_NOT_FOUND` (worded for the API or the command line as `visibleTenant`).
 */
export async function visibleProvider(db: Db, viewer: Viewer, tenantName: string, name: string): Promise<{ tenant: Tenant; provider: ProviderAccount }> {
  const tenant = await visibleTenant(db, viewer, tenantName, ' (simopt import creates it)')
  const provider = await findProviderOf(db, tenant.id, name)
  if (provider !== undefined) return { tenant, provider }
  throw new SimoptError(
    'PROVIDER_NOT_FOUND',
    viewer === undefined ? `tenant ${quoteInput(tenant.name, { bare: true })} has no service provider ${quoteInput(name)}` : `provider ${quoteInput(name)} of tenant ${tenant.name} not found`,
  )
}
