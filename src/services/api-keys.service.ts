/**
 * Keys of the HTTP API: made (the key is given back this once), listed (never the key), revoked. A tenant's
 * administrator manages its tenant's keys; a service-wide one (and the command line) any tenant's, and
 * service-wide keys, which only administrators can be.
 */
import { SimoptError } from '../domain/index.js'
import * as repo from '../store/index.js'
import type { ApiKeyListing, ApiRole } from '../store/index.js'
import type { ServiceContext } from './context.js'
import { listingTenant, requestTenant, type Viewer } from './tenant-access.js'

export interface NewApiKeyInput {
  readonly name: string
  readonly role: ApiRole
  /** The tenant the key sees; none: the caller's own, or (service-wide caller, role admin) every tenant. */
  readonly tenant?: string | undefined
}

export interface NewApiKey extends ApiKeyListing {
  /** The key itself: shown this once, kept only as a hash. */
  readonly key: string
}

/**
 * @param tenantField how the interface names the tenant in messages (`body/tenant`, `option --tenant`).
 * @throws SimoptError `INPUT_INVALID` for a service-wide key that is not an administrator's, `TENANT_NOT_FOUND`.
 */
export async function createApiKey(ctx: ServiceContext, input: NewApiKeyInput, viewer?: Viewer, tenantField = 'body/tenant'): Promise<NewApiKey> {
  const { db } = ctx.store
  const serviceWide = input.tenant === undefined && (viewer === undefined || viewer.tenantId === null)
  if (serviceWide && input.role !== 'admin') {
    throw new SimoptError('INPUT_INVALID', `${tenantField} is required for a viewer or operator key (only administrators can be service-wide)`, { field: tenantField })
  }
  const tenant = serviceWide ? undefined : await requestTenant(db, viewer, input.tenant, tenantField)
  const { key, row } = await repo.createApiKey(db, { tenantId: tenant?.id ?? null, name: input.name, role: input.role })
  return { id: row.id, name: row.name, role: row.role, tenant: tenant?.name ?? null, createdAt: row.created_at, lastUsedAt: null, revokedAt: null, key }
}

/** The keys of the tenant named, of the caller's own tenant, or (service-wide, naming none) every key. */
export async function listApiKeys(ctx: ServiceContext, input: { readonly tenant?: string | undefined }, viewer?: Viewer): Promise<ApiKeyListing[]> {
  const tenant = await listingTenant(ctx.store.db, viewer, input.tenant)
  return repo.listApiKeys(ctx.store.db, tenant?.id)
}

/**
 * Revokes a key: it stops working at once.
 * @throws SimoptError `API_KEY_NOT_FOUND` (also for another tenant's key), `STATE_CONFLICT` when it is revoked already.
 */
export async function revokeApiKey(ctx: ServiceContext, input: { readonly id: string }, viewer?: Viewer): Promise<void> {
  const { db } = ctx.store
  const row = await repo.findApiKeyById(db, input.id)
  if (row === undefined || (viewer !== undefined && viewer.tenantId !== null && row.tenant_id !== viewer.tenantId)) {
    throw new SimoptError('API_KEY_NOT_FOUND', `API key ${input.id} not found`)
  }
  if (row.revoked_at !== null || !(await repo.revokeApiKey(db, row.id))) throw new SimoptError('STATE_CONFLICT', `API key ${input.id} is already revoked`)
}
