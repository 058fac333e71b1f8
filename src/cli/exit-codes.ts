import type { ErrorCode } from '../domain/index.js'

/** The one table from error codes to process exit codes. */
export const EXIT_CODES: Record<ErrorCode | 'OK' | 'USAGE', number> = {
  OK: 0,
  INTERNAL: 1,
  PROBLEM_INVALID: 1,
  INPUT_INVALID: 2,
  /** Nothing was done; the same command may work once the service (Redis) is back. */
  UNAVAILABLE: 3,
  /** Unknown command or option, missing option value. */
  USAGE: 2,
}
