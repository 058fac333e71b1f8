import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { quoteInput } from '../../src/domain/index.js'

describe('quoteInput: what a message shows of a value a user gave', () => {
  it('quotes a short value whole', () => {
    assert.equal(quoteInput('forty'), '"forty"')
  })

  it('cuts a long value at 60 characters and says how long it was', () => {
    const quoted = quoteInput('7'.repeat(45_000_000))
    assert.equal(quoted, `"${'7'.repeat(60)}…" (cut; 45000000 characters in all)`)
  })

  it('escapes control characters, bad UTF-8 and invisible format characters', () => {
    assert.equal(quoteInput('a\u0000b\u001b[31m\u0085\uFFFD\u200B"'), '"a\\u0000b\\u001b[31m\\u0085\\ufffd\\u200b\\""')
  })

  it('never splits a character made of two UTF-16 units when cutting', () => {
    const quoted = quoteInput(`${'a'.repeat(59)}😀😀`)
    assert.equal(quoted, `"${'a'.repeat(59)}😀…" (cut; 63 characters in all)`)
  })

  it('shows a plain code bare when asked, and quotes anything else', () => {
    assert.equal(quoteInput('IND-5', { bare: true }), 'IND-5')
    assert.equal(quoteInput('IND 5', { bare: true }), '"IND 5"')
    assert.equal(quoteInput('X'.repeat(61), { bare: true }), `"${'X'.repeat(60)}…" (cut; 61 characters in all)`)
  })
})
