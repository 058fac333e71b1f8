import { errorSpec, type ErrorCode } from '../domain/index.js'

/** Exit codes the command line uses beyond the error table's own (`domain/errors.ts`). */
export const EXIT_CODES = {
  OK: 0,
  /** An error that is not one of simopt's (a bug). */
  INTERNAL: 1,
  /** Unknown command or option, missing option value. */
  USAGE: 2,
} as const

/** The exit code for an error code: the error table's, and nowhere else. */
export function exitCodeOf(code: ErrorCode): number {
  return errorSpec(code).exitCode
}
