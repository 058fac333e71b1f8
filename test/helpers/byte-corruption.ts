/** Ways a file gets damaged on its way to simopt: cut short, a byte changed, a NUL, bytes that are not UTF-8. */
import fc from 'fast-check'

export type Corruption =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly at: number; readonly mask: number }
  | { readonly kind: 'replace'; readonly at: number; readonly byte: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: readonly number[] }

/** Bytes that mean something to CSV, and a NUL. */
const SYNTAX_BYTES = [0x22, 0x2c, 0x0a, 0x0d, 0x3b, 0x20, 0x00]
/** A stray continuation byte, 0xff, a lead byte without its continuation, a UTF-16 surrogate encoded, an overlong '/'. */
const INVALID_UTF8 = [[0x80], [0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]

/** One corruption at a relative position (0 to 1) of whatever file it is applied to. */
export const CORRUPTION: fc.Arbitrary<(length: number) => Corruption> = (() => {
  // Unbiased: fast-check's numbers lean to 0, which would damage little but the header.
  const where = fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((n) => n / 1_000_001)
  const at = (fraction: number, length: number, inclusive: boolean) => Math.min(Math.floor(fraction * (length + (inclusive ? 1 : 0))), Math.max(0, length - (inclusive ? 0 : 1)))
  return fc.oneof(
    where.map((f) => (length: number): Corruption => ({ kind: 'truncate', at: at(f, length, true) })),
    fc.tuple(where, fc.integer({ min: 1, max: 255 })).map(([f, mask]) => (length: number): Corruption => ({ kind: 'flip', at: at(f, length, false), mask })),
    fc.tuple(where, fc.constantFrom(...SYNTAX_BYTES)).map(([f, byte]) => (length: number): Corruption => ({ kind: 'replace', at: at(f, length, false), byte })),
    fc.tuple(where, fc.constantFrom(...INVALID_UTF8, [0x00])).map(([f, bytes]) => (length: number): Corruption => ({ kind: 'insert', at: at(f, length, true), bytes })),
  )
})()

export function corrupt(bytes: Buffer, corruption: Corruption): Buffer {
  switch (corruption.kind) {
    case 'truncate':
      return bytes.subarray(0, corruption.at)
    case 'flip':
    case 'replace': {
      if (bytes.length === 0) return bytes
      const copy = Buffer.from(bytes)
      copy[corruption.at] = corruption.kind === 'flip' ? copy[corruption.at]! ^ corruption.mask : corruption.byte
      return copy
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, corruption.at), Buffer.from(corruption.bytes), bytes.subarray(corruption.at)])
  }
}
