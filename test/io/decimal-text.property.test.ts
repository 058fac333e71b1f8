/** decimalText and moneyText write exactly what String() writes, for every double, not only the usual ones. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { decimalText, moneyText } from '../../src/io/decimal-text.js'
import { propertyRuns } from '../helpers/property.js'

const money = (value: number) => Math.round(value * 1e6) / 1e6

/** Counts of millionths up to 16 digits (past the fast path's limit), over powers of ten, and any double. */
const values = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 16 }), fc.double({ min: 0, max: 1, noNaN: true })).map(([digits, share]) => Math.floor(share * 10 ** digits) / 1e6),
  fc.tuple(fc.maxSafeInteger(), fc.integer({ min: 0, max: 22 })).map(([count, exponent]) => count / 10 ** exponent),
  fc.double(),
  fc.constantFrom(0, -0, 1e-6, 5e-7, 4.99999e-7, 1e-7, 999999999.999999, 1e9, 1e15 / 1e6, 0.1 + 0.2, 1e21, 2 ** 53, Number.MIN_VALUE, Number.MAX_VALUE),
)

describe('decimalText and moneyText', () => {
  it('write what String() writes', () => {
    fc.assert(
      fc.property(values, fc.boolean(), (value, negative) => {
        const signed = negative ? -value : value
        assert.equal(decimalText(signed), String(signed))
        assert.equal(moneyText(signed), String(money(signed)))
      }),
      propertyRuns(200_000),
    )
  })
})
