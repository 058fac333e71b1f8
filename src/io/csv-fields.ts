/**
 * zod schemas for the fields of simopt's CSV files. Every value arrives as text; these turn it into a
 * checked value or a message that says what is wrong with it, in words a user can act on.
 */
import { z } from 'zod'
import { quoteInput as quote } from '../domain/index.js'

const NUMBER_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/** Text in decimal or exponent notation; one past what a double holds (`1e400`, a 50 MB digit string) is refused, not Infinity. */
const numberText = z.string().transform((text, context) => {
  const value = NUMBER_PATTERN.test(text) ? Number(text) : Number.NaN
  if (Number.isFinite(value)) return value
  context.addIssue({
    code: 'custom',
    message: Number.isNaN(value) ? `must be a number, got ${quote(text)}` : `must be a number below 1e308, got ${quote(text)}`,
  })
  return z.NEVER
})

export const nonNegativeNumber = numberText.pipe(
  z.number().finite().nonnegative({ error: (issue) => `must be 0 or more, got ${issue.input}` }),
)

export const positiveNumber = numberText.pipe(
  z.number().finite().positive({ error: (issue) => `must be more than 0, got ${issue.input}` }),
)

export const wholeCount = numberText.pipe(
  z
    .number()
    .int({ error: (issue) => `must be a whole number, got ${issue.input}` })
    .nonnegative({ error: (issue) => `must be 0 or more, got ${issue.input}` }),
)

const TRUE_WORDS = ['true', 'yes', '1']
const FALSE_WORDS = ['false', 'no', '0']

export const booleanText = z
  .string()
  .transform((text, context) => {
    const word = text.toLowerCase()
    if (TRUE_WORDS.includes(word)) return true
    if (FALSE_WORDS.includes(word)) return false
    context.addIssue({ code: 'custom', message: `must be true or false, got ${quote(text)}` })
    return z.NEVER
  })

export const name = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(100, { error: 'must be at most 100 characters' })

/**
 * ICCIDs are 19-20 digits (up to 22 with padding, sometimes a trailing F). Spreadsheets like to turn them
 * into numbers such as 8.90117E+18; say so, since that is the usual cause.
 */
export const iccid = z.string().transform((text, context) => {
  if (/^\d{10,22}[Ff]?$/.test(text)) return text
  context.addIssue({
    code: 'custom',
    message: /^\d(\.\d+)?[eE]\+?\d+$/.test(text)
      ? `${quote(text)} is an ICCID a spreadsheet turned into a number; export the column as text`
      : `must be an ICCID of 10 to 22 digits, got ${quote(text)}`,
  })
  return z.NEVER
})
