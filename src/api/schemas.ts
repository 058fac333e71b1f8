import { z } from 'zod'
import { API_ROLES, entityName } from '../store/index.js'

/**
 * zod pieces the routes' contracts share (`contract.ts`): names, times, periods, ids, roles, page limits.
 */

/** Tenant and provider names: the store's one rule (`store/names.ts`). */
export const name = entityName
export const tenantParams = z.object({ tenant: entityName })
export const role = z.enum(API_ROLES)
/** A tenant named in a query or body. */
export const tenantParam = entityName.describe('tenant name; a tenant key may name only its own, a service-wide key any')
export const epochMillis = z.number().int().describe('epoch milliseconds')
export const nullableEpochMillis = epochMillis.nullable()
/** A billing period, `YYYY-MM`. */
export const periodText = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a billing period YYYY-MM' }).describe('billing period, YYYY-MM')
/** ICCIDs are digits (some carriers end them with a letter); also what a prefix search may contain. */
export const iccidText = z.string().regex(/^[0-9A-Za-z]{1,32}$/, { error: 'must be 1 to 32 letters or digits' })
/** `:id` of a session route. */
export const sessionParams = z.object({ id: z.guid({ error: 'must be a session id (a UUID)' }).describe('session id') })

/** `?limit=N` (a query string is text: coerced) with a default and a ceiling. */
export function pageLimit(defaultLimit: number, max: number) {
  return z.coerce.number().int().min(1).max(max).default(defaultLimit)
}
