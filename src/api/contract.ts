/**
 * How a route's contract is written: once, in zod. The same schema validates the request, types the handler
 * (`ZodTypeProvider`), shapes the answer (a property not in the schema is never sent) and becomes the route's
 * OpenAPI entry at `/docs`. Every route names an `operationId`: clients generated from the document use it.
 */
import type { FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ERROR_CODES, type ErrorCode } from '../domain/index.js'

/** The body of every 4xx and 5xx answer (`http-error.ts` builds it). */
export const errorBody = z
  .object({
    code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]).describe('stable error code; the table is in docs/architecture.md'),
    message: z.string().describe('what was wrong, naming the field or thing'),
    field: z.string().optional().describe('where in the request it was wrong (body/period, querystring/limit)'),
  })
  .meta({ id: 'Error' })

/** A route's answers: its own, plus the error body for every 4xx and 5xx. */
export function replies<T extends Record<number, z.ZodType>>(ok: T): T & { '4xx': typeof errorBody; '5xx': typeof errorBody } {
  return { ...ok, '4xx': errorBody, '5xx': errorBody }
}

/** The app (or a scope of it) with zod contracts: call once on the scope whose routes use them. */
export function useZodContracts(app: FastifyInstance): FastifyInstance<any, any, any, any, ZodTypeProvider> {
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // `any` is fastify's own default for the server, request and reply generics.
  return app.withTypeProvider<ZodTypeProvider>()
}

export type ZodApp = ReturnType<typeof useZodContracts>
