/**
 * The one way a message quotes what a user gave (a CSV field, an option, a setting, a request body): a
 * 45 MB field must not become a 45 MB error line, and bytes that are not text must not reach a terminal
 * raw (escape sequences) or a log line unreadable.
 */

/** Characters of a value a message shows; longer values are cut and say so. */
export const QUOTED_LENGTH = 60

/** Control, format, unassigned and private-use characters, line/paragraph separators, and what bad UTF-8 decodes to. */
const NOT_PRINTABLE = /[\p{C}\p{Zl}\p{Zp}\uFFFD]/gu

/** A code or name that reads unambiguously without quotes (`IND-5`, `8901170000000000001`). */
const PLAIN = /^[\w.+\-/:@]{1,60}$/

/**
 * `"value"`, escaped; past 60 characters `"the first 60…" (cut; 45000000 characters in all)`.
 * `bare`: a plain code or name (letters, digits, `_.+-/:@`, at most 60) is shown as it is, as messages
 * name plans and ICCIDs; anything else is quoted as above.
 */
export function quoteInput(value: unknown, options: { bare?: boolean } = {}): string {
  const text = String(value)
  if (options.bare === true && PLAIN.test(text.slice(0, QUOTED_LENGTH + 1))) return text
  // Only the head is ever looked at: the rest of a huge value is never copied.
  const head = Array.from(text.slice(0, QUOTED_LENGTH * 2)).slice(0, QUOTED_LENGTH).join('')
  const quoted = JSON.stringify(head).replace(NOT_PRINTABLE, (char) => escapeChar(char))
  if (head.length >= text.length) return quoted
  return `${quoted.slice(0, -1)}…" (cut; ${text.length} characters in all)`
}

function escapeChar(char: string): string {
  return Array.from({ length: char.length }, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')
}
