import { entityNameJsonSchema } from '../store/names.js'
import { errorBodySchema } from './http-error.js'

/**
 * JSON schema pieces the routes share. Fastify validates requests and serializes responses with them
 * (a response property not in its schema is never sent), and the OpenAPI document at `/docs` is made of them.
 */
/** A route's answers: its own, plus the error shape for every 4xx and 5xx. */
export function responses<T extends Record<number, object>>(ok: T) {
  return { ...ok, '4xx': errorBodySchema, '5xx': errorBodySchema }
}

export const PERIOD_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$'
/** ICCIDs are digits (some carriers end them with a letter); also what a prefix search may contain. */
export const ICCID_PATTERN = '^[0-9A-Za-z]{1,32}$'

/** Tenant and provider names: the store's one rule (`store/names.ts`). */
export const nameSchema = entityNameJsonSchema
export const roleSchema = { type: 'string', enum: ['viewer', 'operator', 'admin'] } as const
export const epochMs = { type: 'integer', description: 'epoch milliseconds' } as const
export const nullableEpochMs = { type: ['integer', 'null'], description: 'epoch milliseconds' } as const
export const nullableNumber = { type: ['number', 'null'] } as const
export const nullableString = { type: ['string', 'null'] } as const

export const sessionIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid', description: 'session id' } },
} as const

export interface SessionIdParams {
  readonly id: string
}

/** `?limit=N` with a default and a ceiling. */
export function limitQuery(defaultLimit: number, max: number) {
  return { type: 'integer', minimum: 1, maximum: max, default: defaultLimit } as const
}

export const tenantQuery = { ...nameSchema, description: 'tenant name; a tenant key may name only its own, a service-wide key any' } as const
