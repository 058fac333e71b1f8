import { z } from 'zod'
import { entityName, entityNameJsonSchema } from '../store/index.js'
import { errorBodySchema } from './http-error.js'

/**
 * Contract pieces the routes share. The zod ones (first) are for routes written in zod (`contract.ts`); the
 * JSON schema ones after them serve the routes still written in JSON schema, and go with the last of those.
 */

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

/** A route's answers: its own, plus the error shape for every 4xx and 5xx. */
export function responses<T extends Record<number, object>>(ok: T) {
  return { ...ok, '4xx': errorBodySchema, '5xx': errorBodySchema }
}

export const nameSchema = entityNameJsonSchema
export const roleSchema = { type: 'string', enum: ['viewer', 'operator', 'admin'] } as const
export const epochMs = { type: 'integer', description: 'epoch milliseconds' } as const
export const nullableEpochMs = { type: ['integer', 'null'], description: 'epoch milliseconds' } as const
export const nullableNumber = { type: ['number', 'null'] } as const
export const nullableString = { type: ['string', 'null'] } as const

/** `?limit=N` with a default and a ceiling. */
export function limitQuery(defaultLimit: number, max: number) {
  return { type: 'integer', minimum: 1, maximum: max, default: defaultLimit } as const
}

export const tenantQuery = { ...nameSchema, description: 'tenant name; a tenant key may name only its own, a service-wide key any' } as const
