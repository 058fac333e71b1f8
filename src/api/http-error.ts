/**
 * Errors as the API answers them: `{ "error": "<what was wrong, naming the field or thing>" }` with a status.
 * Routes throw `HttpError` for what only HTTP knows (not found, forbidden, conflict); the domain's
 * `SimoptError` codes map to statuses in one table; fastify's own errors (validation, body too large, bad
 * JSON) keep their status with a message that names the field.
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import { isSimoptError, type ErrorCode } from '../domain/index.js'

export class HttpError extends Error {
  override readonly name = 'HttpError'

  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409 | 413 | 503,
    message: string,
  ) {
    super(message)
  }
}

/** A thing that does not exist, or that the caller's tenant may not see: the two answer alike, so existence does not leak. */
export function notFound(what: string): HttpError {
  return new HttpError(404, `${what} not found`)
}

const STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  INPUT_INVALID: 400,
  PROBLEM_INVALID: 500,
  INTERNAL: 500,
  UNAVAILABLE: 503,
}

/**
 * Runs a service call whose input the route has already checked: an `INPUT_INVALID` it still raises is
 * about the state of things (a session already running, nothing left to approve), so it is a conflict.
 */
export async function conflictOnInvalid<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (isSimoptError(error) && error.code === 'INPUT_INVALID') throw new HttpError(409, error.message)
    throw error
  }
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const { status, message } = describe(error)
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    return reply.status(status).send({ error: message })
  })
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }))
}

function describe(error: FastifyError | Error): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.statusCode, message: error.message }
  // The operator sees which service is down in the log; a caller learns only that trying later may work.
  if (isSimoptError(error) && error.code === 'UNAVAILABLE') return { status: 503, message: 'a service simopt needs is unavailable; nothing was done, try again later' }
  if (isSimoptError(error)) return { status: STATUS_OF_CODE[error.code], message: STATUS_OF_CODE[error.code] >= 500 ? 'internal error' : error.message }
  const fastifyError = error as FastifyError
  // Validation: fastify's message names the part and the field ("body/period must match pattern …").
  if (fastifyError.validation !== undefined) return { status: 400, message: fastifyError.message }
  const status = fastifyError.statusCode
  if (status !== undefined && status >= 400 && status < 500) return { status, message: fastifyError.message }
  return { status: 500, message: 'internal error' }
}
