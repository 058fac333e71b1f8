import { z } from 'zod'
import { SimoptError, isCurrencyCode, quoteInput } from '../domain/index.js'
import { entityName } from '../store/index.js'
import { inProjectWords } from '../validation-words.js'

/** Parses a command-line option value with `schema`, or stops with an error naming the option. */
export function parseOption<T>(option: string, value: unknown, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value, { error: (issue) => inProjectWords(issue, value === undefined ? undefined : String(value)) })
  if (result.success) return result.data
  throw new SimoptError('INPUT_INVALID', `option ${option}: ${result.error.issues[0]?.message ?? 'is not valid'}`)
}

/** A whole number in `[min, max]` given as text; `unit` names what it counts in messages. */
export function wholeNumberOption(min: number, max: number, unit = '') {
  const units = unit === '' ? '' : ` ${unit}`
  return z
    .string()
    .regex(/^\d+$/, { error: (issue) => `must be a whole number${unit === '' ? '' : ` of${units}`}, got ${quoteInput(issue.input)}` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}${units}` }).max(max, { error: `must be at most ${max}${units}` }))
}

export const periodDaysOption = wholeNumberOption(1, 366, 'days')

/** An amount of money, 0 or more. */
export const moneyOption = z
  .string()
  .regex(/^\d+(\.\d+)?$/, { error: (issue) => `must be an amount of money such as 0.50, got ${quoteInput(issue.input)}` })
  .transform(Number)
  // A digit string past a double's range is Infinity: refused ("must be a number") rather than taken as no limit.
  .pipe(z.number())

/** An amount of money that may be negative (a saving can be: a change that costs more on its own). */
export const signedMoneyOption = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, { error: (issue) => `must be an amount of money such as -0.50 or 2, got ${quoteInput(issue.input)}` })
  .transform(Number)
  .pipe(z.number())

/** An ISO 4217 currency code (`USD`, `EUR`). */
export const currencyOption = z.string().refine(isCurrencyCode, { error: (issue) => `must be an ISO 4217 currency code such as USD or EUR, got ${quoteInput(String(issue.input))}` })

/** Commander's parser for a tenant or provider name (`--tenant`, `--provider`, `--name`): the store's one name rule. */
export function nameArgument(option: string): (value: string) => string {
  return (value) => parseOption(option, value, entityName)
}
