/**
 * The one table of error codes. A code is part of the public contract: the API answers it in `{code, message,
 * field?}`, the CLI exits with its exit code, the job runner retries a failed stage only when `retryable`.
 * Never rename or reuse a code; add a new one.
 *
 * HTTP statuses and exit codes are plain numbers here so the core stays free of adapters; `api/http-error.ts`
 * and `cli/exit-codes.ts` read them from this table and nowhere else.
 */
export interface ErrorCodeSpec {
  /** The status the API answers with. */
  readonly httpStatus: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 500 | 502 | 503
  /** The CLI's exit code: 1 a fault of simopt, 2 fix the input or the state, 3 try again later, 4 the carrier refused. */
  readonly exitCode: 1 | 2 | 3 | 4
  /** Whether the same work, tried again later without any change, may succeed. */
  readonly retryable: boolean
  /** When it is raised, for the reader of the table and for `docs/architecture.md`. */
  readonly meaning: string
}

export const ERROR_TABLE = {
  INPUT_INVALID: { httpStatus: 400, exitCode: 2, retryable: false, meaning: 'a file, option or request body is wrong; the message says where and what' },
  PROBLEM_INVALID: { httpStatus: 500, exitCode: 1, retryable: false, meaning: 'a problem was built that breaks an invariant of the domain (a bug in the caller)' },
  INTERNAL: { httpStatus: 500, exitCode: 1, retryable: true, meaning: 'something failed that the user cannot fix; a retry may get past a passing fault' },
  UNAVAILABLE: { httpStatus: 503, exitCode: 3, retryable: true, meaning: 'a service simopt needs (the queue\'s Redis, the database) cannot be reached now; nothing was done' },

  TENANT_NOT_FOUND: { httpStatus: 404, exitCode: 2, retryable: false, meaning: 'no tenant of that name (or not one the caller may see)' },
  PROVIDER_NOT_FOUND: { httpStatus: 404, exitCode: 2, retryable: false, meaning: 'the tenant has no service provider of that name' },
  SESSION_NOT_FOUND: { httpStatus: 404, exitCode: 2, retryable: false, meaning: 'no session with that id (or not one the caller may see)' },
  API_KEY_NOT_FOUND: { httpStatus: 404, exitCode: 2, retryable: false, meaning: 'no API key with that id' },
  MESSAGE_NOT_FOUND: { httpStatus: 404, exitCode: 2, retryable: false, meaning: 'no outbox message with that id' },
  NOT_FOUND: { httpStatus: 404, exitCode: 2, retryable: false, meaning: 'another thing named in the request does not exist (the message says which)' },

  ALREADY_EXISTS: { httpStatus: 409, exitCode: 2, retryable: false, meaning: 'a thing of that name exists already' },
  SESSION_ALREADY_RUNNING: { httpStatus: 409, exitCode: 2, retryable: false, meaning: 'a session of the same provider and period is still running' },
  STATE_CONFLICT: { httpStatus: 409, exitCode: 2, retryable: false, meaning: 'the thing is not in a state that allows it (nothing to approve, session finished)' },
  SETTING_MISSING: { httpStatus: 409, exitCode: 2, retryable: false, meaning: 'a setting the work needs is not set (a carrier address, credentials, a recipient)' },

  AUTH_REQUIRED: { httpStatus: 401, exitCode: 2, retryable: false, meaning: 'no API key, or one that is not valid' },
  FORBIDDEN: { httpStatus: 403, exitCode: 2, retryable: false, meaning: 'the API key\'s role or tenant does not allow it' },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, exitCode: 2, retryable: false, meaning: 'a request body or upload is larger than allowed' },
  ROUTE_NOT_FOUND: { httpStatus: 404, exitCode: 2, retryable: false, meaning: 'no API route answers that method and path' },

  CARRIER_REFUSED: { httpStatus: 502, exitCode: 4, retryable: false, meaning: 'the carrier refused the request (bad request, no such SIM); the same call will be refused again' },
  CARRIER_AUTH_FAILED: { httpStatus: 502, exitCode: 4, retryable: false, meaning: 'the carrier refused the credentials or the caller\'s address' },
  CARRIER_RATE_LIMITED: { httpStatus: 503, exitCode: 3, retryable: true, meaning: 'the carrier answered that the account makes too many calls' },
  CARRIER_UNREACHABLE: { httpStatus: 503, exitCode: 3, retryable: true, meaning: 'the carrier did not answer, answered with a server error, or its circuit is open' },
  CARRIER_BAD_ANSWER: { httpStatus: 502, exitCode: 4, retryable: false, meaning: 'the carrier answered with something its API does not promise' },
} as const satisfies Record<string, ErrorCodeSpec>

export type ErrorCode = keyof typeof ERROR_TABLE
export const ERROR_CODES = Object.keys(ERROR_TABLE) as readonly ErrorCode[]

export function errorSpec(code: ErrorCode): ErrorCodeSpec {
  return ERROR_TABLE[code]
}

export interface SimoptErrorOptions {
  readonly cause?: unknown
  /** Where in the input it was wrong: a request field (`body.period`), an option (`--tenant`), a file (`sims.csv:12`). */
  readonly field?: string
}

export class SimoptError extends Error {
  override readonly name: string = 'SimoptError'
  readonly field: string | undefined

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: SimoptErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.field = options.field
  }

  get retryable(): boolean {
    return ERROR_TABLE[this.code].retryable
  }
}

export function isSimoptError(error: unknown): error is SimoptError {
  return error instanceof SimoptError
}

/** The code of any thrown value: a `SimoptError`'s own, else `INTERNAL`. */
export function errorCodeOf(error: unknown): ErrorCode {
  return isSimoptError(error) ? error.code : 'INTERNAL'
}
