/**
 * Errors as the API answers them: `{ "code": "SESSION_NOT_FOUND", "message": "…", "field"?: "body/period" }`
 * with the status the error table (`domain/errors.ts`) gives the code. Fastify's own errors (validation, body
 * too large, bad JSON) are answered in the same shape under the matching code.
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { SimoptError, errorSpec, isSimoptError, type ErrorCode } from '../domain/index.js'

/** A thing that does not exist, or that the caller's tenant may not see: the two answer alike, so existence does not leak. */
export function notFound(code: ErrorCode, what: string): SimoptError {
  return new SimoptError(code, `${what} not found`)
}

/** The body of every 4xx and 5xx answer. */
export interface ErrorBody {
  readonly code: ErrorCode
  readonly message: string
  readonly field?: string
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const body = describe(error)
    const status = errorSpec(body.code).httpStatus
    if (status >= 500 && body.code !== 'UNAVAILABLE') request.log.error({ err: error }, 'request failed')
    return reply.status(status).send(body)
  })
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody),
  )
}

function describe(error: FastifyError | Error): ErrorBody {
  if (isSimoptError(error)) {
    const { code } = error
    // The operator sees which service is down in the log; a caller learns only that trying later may work.
    if (code === 'UNAVAILABLE') return { code, message: 'a service simopt needs is unavailable; nothing was done, try again later' }
    if (errorSpec(code).httpStatus === 500) return { code, message: 'internal error' }
    return error.field === undefined ? { code, message: error.message } : { code, message: error.message, field: error.field }
  }
  const fastifyError = error as FastifyError
  // Validation: fastify's message names the part and the field ("body/period must match pattern …").
  if (fastifyError.validation !== undefined) {
    const first = fastifyError.validation[0]
    const field = first === undefined ? undefined : `${fastifyError.validationContext ?? 'body'}${fieldPath(first)}`
    return field === undefined ? { code: 'INPUT_INVALID', message: fastifyError.message } : { code: 'INPUT_INVALID', message: fastifyError.message, field }
  }
  const status = fastifyError.statusCode
  if (status === 413) return { code: 'PAYLOAD_TOO_LARGE', message: fastifyError.message }
  if (status !== undefined && status >= 400 && status < 500) return { code: 'INPUT_INVALID', message: fastifyError.message }
  return { code: 'INTERNAL', message: 'internal error' }
}

/**
 * The part of a validation error's path below the request part: ajv says `` for the whole body, the zod adapter
 * `/`; a key the contract does not know (zod's `unrecognized_keys`) is named, as that is what was wrong.
 */
function fieldPath(issue: { instancePath: string; params?: Record<string, unknown> }): string {
  const path = issue.instancePath === '/' ? '' : issue.instancePath
  const keys = issue.params?.['keys']
  return Array.isArray(keys) && typeof keys[0] === 'string' ? `${path}/${keys[0]}` : path
}
