import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CsvSyntaxError, CsvTokenizer } from '../../src/io/csv-tokenizer.js'

/** Tokenizes `text` fed in pieces of `pieceSize` characters. */
function tokenize(text: string, pieceSize = text.length || 1): [string[], number][] {
  const records: [string[], number][] = []
  const tokenizer = new CsvTokenizer((fields, line) => records.push([fields, line]))
  for (let i = 0; i < text.length; i += pieceSize) tokenizer.push(text.slice(i, i + pieceSize))
  tokenizer.end()
  return records
}

describe('CSV tokenizer', () => {
  it('splits fields and records, trimming unquoted fields, with the line each record starts on', () => {
    assert.deepEqual(tokenize('a, b ,c\n1,2,3\n'), [
      [['a', 'b', 'c'], 1],
      [['1', '2', '3'], 2],
    ])
  })

  it('accepts CRLF line ends, a byte order mark and a last line without a line end', () => {
    assert.deepEqual(tokenize('\uFEFFa,b\r\n1,2'), [
      [['a', 'b'], 1],
      [['1', '2'], 2],
    ])
  })

  it('skips blank lines but keeps counting them', () => {
    assert.deepEqual(tokenize('a\n\n  \n1\n'), [
      [['a'], 1],
      [['1'], 4],
    ])
  })

  it('reads quoted fields with commas, doubled quotes and line breaks, and keeps their spaces', () => {
    const text = 'code,note\n"A,1"," say ""hi"" "\n"multi\nline",x\nlast,"q"\n'
    assert.deepEqual(tokenize(text), [
      [['code', 'note'], 1],
      [['A,1', ' say "hi" '], 2],
      [['multi\nline', 'x'], 3],
      [['last', 'q'], 5],
    ])
  })

  it('gives the same records however the text is cut into pieces', () => {
    const text = 'a,"b ""c""",d\r\n"x\ny",,z\n\n1,2,"3"\n'
    const whole = tokenize(text)
    for (let size = 1; size <= text.length; size++) assert.deepEqual(tokenize(text, size), whole, `pieces of ${size}`)
  })

  it('reports a quote that never closes, on the line it opens', () => {
    assert.throws(
      () => tokenize('a,b\n1,"open\n2,3\n'),
      (error: unknown) => error instanceof CsvSyntaxError && error.line === 2 && /never closed/.test(error.message),
    )
  })

  it('reports a quote that closes in the middle of a field', () => {
    assert.throws(
      () => tokenize('a,b\n"x"y,2\n'),
      (error: unknown) => error instanceof CsvSyntaxError && error.line === 2 && /middle of a field/.test(error.message),
    )
  })
})
