import type { z } from 'zod'
import { quoteInput } from './domain/index.js'

/**
 * zod's own wording ("Invalid input: expected number, received NaN") for values without a message of their
 * own, said the project's way with the text as it was given (coercion may have turned it into NaN already).
 * Pass it as the `error` of `safeParse`; `undefined` leaves zod's message.
 */
export function inProjectWords(issue: z.core.$ZodRawIssue, given: string | undefined): string | undefined {
  const got = `got ${quoteInput(given)}`
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return `must be a whole number, ${got}`
      if (issue.expected === 'number') return `must be a number, ${got}`
      return undefined
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : ''}, ${got}`
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}, ${got}`
    default:
      return undefined
  }
}

