/**
 * Readers of plain CSV fields straight from a chunk of text, without making a string of the field: each
 * reads exactly what `csv-fields.ts` would read to the same value, and returns NOT_PLAIN for anything
 * else, which the caller leaves to the checked path (sims-fast-path.ts).
 */

/** Exact powers of ten: a decimal of at most 15 digits divided by one of these is Number()'s own result. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, exponent) => 10 ** exponent)
const MAX_DIGITS = 15
/** What a reader returns for text it does not read (every value read is 0 or more). */
export const NOT_PLAIN = -1

/**
 * FNV-1a over UTF-16 code units, as `firstDuplicate` hashes, read from the text without making the string;
 * the ICCID must be what `csv-fields.ts` accepts (`\d{10,22}[Ff]?`), else NOT_PLAIN.
 */
export function iccidHash(text: string, start: number, end: number): number {
  let digits = 0
  let hash = 0x811c9dc5
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code >= 48 && code <= 57) digits++
    else if (!((code === 70 || code === 102) && i === end - 1)) return NOT_PLAIN
    hash = Math.imul(hash ^ code, 0x01000193)
  }
  return digits >= 10 && digits <= 22 ? hash >>> 0 : NOT_PLAIN
}

/** FNV-1a of a string, the hash {@link iccidHash} computes on text. */
export function hashString(value: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

/** `123` or `123.456` with at most 15 digits, as Number() reads it; NOT_PLAIN for anything else. */
export function decimal(text: string, start: number, end: number): number {
  let mantissa = 0
  let digits = 0
  let point = -1
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48)
      digits++
    } else if (code === 46 && point === -1 && i > start) point = i
    else return NOT_PLAIN
  }
  if (digits === 0 || digits > MAX_DIGITS) return NOT_PLAIN
  // Both exact, and IEEE division rounds once: the nearest double to the decimal, which is what Number() gives.
  return point === -1 ? mantissa : mantissa / POWERS_OF_TEN[end - point - 1]!
}

/** Digits only, at most 15 of them; NOT_PLAIN for anything else. */
export function wholeNumber(text: string, start: number, end: number): number {
  if (end === start || end - start > MAX_DIGITS) return NOT_PLAIN
  let value = 0
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) return NOT_PLAIN
    value = value * 10 + (code - 48)
  }
  return value
}

/** 1, 0, or NOT_PLAIN: the words `booleanText` accepts (true, yes, 1, false, no, 0), in any case. */
export function booleanWord(text: string, start: number, end: number): number {
  switch (end - start) {
    case 1: {
      const code = text.charCodeAt(start)
      return code === 49 ? 1 : code === 48 ? 0 : NOT_PLAIN
    }
    case 2:
      return sameLetters(text, start, 'no') ? 0 : NOT_PLAIN
    case 3:
      return sameLetters(text, start, 'yes') ? 1 : NOT_PLAIN
    case 4:
      return sameLetters(text, start, 'true') ? 1 : NOT_PLAIN
    case 5:
      return sameLetters(text, start, 'false') ? 0 : NOT_PLAIN
    default:
      return NOT_PLAIN
  }
}

/** Whether text at `start` is `word` (lower case ASCII) in any case. */
function sameLetters(text: string, start: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const code = text.charCodeAt(start + i)
    const lower = code >= 65 && code <= 90 ? code + 32 : code
    if (lower !== word.charCodeAt(i)) return false
  }
  return true
}

export interface NameTable {
  readonly names: readonly string[]
  /** Open addressing by hash: index + 1 of the name, 0 for an empty slot. */
  readonly slots: Int32Array
  readonly mask: number
}

export function nameTable(names: readonly string[]): NameTable {
  const size = 2 ** Math.ceil(Math.log2(names.length * 2 + 2))
  const slots = new Int32Array(size)
  const mask = size - 1
  for (const [index, name] of names.entries()) {
    let slot = hashString(name) & mask
    while (slots[slot] !== 0) slot = (slot + 1) & mask
    slots[slot] = index + 1
  }
  return { names, slots, mask }
}

/**
 * The index of the name that is exactly the text from `start` to `end`, or -1. Text the checked path would
 * read differently is declined: a space or control character at either end (it trims them; a name may keep
 * them when quoted in its own file), anything beyond ASCII at either end, and a quote anywhere.
 */
export function lookUp(table: NameTable, text: string, start: number, end: number): number {
  if (end === start) return -1
  const first = text.charCodeAt(start)
  const last = text.charCodeAt(end - 1)
  if (first <= 32 || first >= 127 || last <= 32 || last >= 127) return -1
  let hash = 0x811c9dc5
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code === 34) return -1
    hash = Math.imul(hash ^ code, 0x01000193)
  }
  for (let slot = (hash >>> 0) & table.mask; table.slots[slot] !== 0; slot = (slot + 1) & table.mask) {
    const index = table.slots[slot]! - 1
    const name = table.names[index]!
    if (name.length === end - start && text.startsWith(name, start)) return index
  }
  return -1
}
