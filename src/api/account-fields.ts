/** zod pieces the account routes share (tenants, providers, API keys, the schedule): names, times, roles. */
import { z } from 'zod'
import { API_ROLES, entityName } from '../store/index.js'

/** Tenant and provider names: the store's one rule (`store/names.ts`). */
export const name = entityName
export const epochMs = z.number().int().describe('epoch milliseconds')
export const nullableEpochMs = z.number().int().nullable().describe('epoch milliseconds')
export const role = z.enum(API_ROLES)
export const tenantParams = z.object({ tenant: name })
/** A tenant named in a query or body: a tenant's key may name only its own, a service-wide key any. */
export const tenantField = name.describe('tenant name; a tenant key may name only its own, a service-wide key any')
