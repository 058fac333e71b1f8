/**
 * Stable error codes. Codes are part of the public contract (the CLI maps them to exit codes, the
 * HTTP layer to statuses): never rename or reuse one.
 */
export const ERROR_CODES = [
  /** A file, option or request body the user gave is wrong; the message says where and what. */
  'INPUT_INVALID',
  /** A problem was built that breaks an invariant of the domain (a bug in the caller, not user input). */
  'PROBLEM_INVALID',
  /** Something failed that the user cannot fix by changing the input. */
  'INTERNAL',
  /** A service simopt needs (the job queue's Redis) cannot be reached now; nothing was done, trying again later may work. */
  'UNAVAILABLE',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export class SimoptError extends Error {
  override readonly name = 'SimoptError'

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export function isSimoptError(error: unknown): error is SimoptError {
  return error instanceof SimoptError
}
