/**
 * A streaming CSV tokenizer (RFC 4180: `,` between fields, `"` quotes with `""` inside, quoted fields may
 * span lines, CRLF or LF line ends). Written for simopt's files of a million SIMs: csv-parse took 6.5 s
 * on a 54 MB sims file where this takes well under one (docs/decisions.md).
 *
 * Unquoted fields are trimmed, a leading byte order mark is dropped and blank lines are skipped.
 */

/** A record's fields and the line (from 1) it starts on. */
export type RecordHandler = (fields: string[], line: number) => void

/**
 * A fast path for one line without line break, `text` from `start` to `end` (a CR before the LF already
 * left out): takes the line and returns true, or returns false having changed nothing, and the line goes
 * through the ordinary tokenizing (quotes, trimming, the record handler) as if there were no fast path.
 */
export type LineParser = (text: string, start: number, end: number, line: number) => boolean

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
  }
}

export class CsvTokenizer {
  #pending = ''
  /** Line number of the first character of `#pending`. */
  #line = 1
  #started = false
  /** Tried on each line before anything else; may be set while tokenizing (after the header, say). */
  lineParser: LineParser | undefined

  constructor(readonly onRecord: RecordHandler) {}

  /** Feeds the next piece of text; every complete record in it is handed to `onRecord`. */
  push(chunk: string): void {
    let text = this.#pending + chunk
    if (!this.#started && text.length > 0) {
      this.#started = true
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    this.#pending = text.slice(this.#consume(text, false))
  }

  /** Ends the input: the last line needs no line break, an open quote is an error. */
  end(): void {
    const text = this.#pending
    this.#pending = ''
    this.#consume(text, true)
  }

  /** Tokenizes whole records from `text`; returns where the unfinished rest begins. */
  #consume(text: string, final: boolean): number {
    let position = 0
    while (position < text.length) {
      let lineEnd = text.indexOf('\n', position)
      if (lineEnd === -1) {
        if (!final) return position
        lineEnd = text.length
      }
      const contentEnd = lineEnd > position && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd
      if (this.lineParser !== undefined && this.lineParser(text, position, contentEnd, this.#line)) {
        this.#line++
        position = lineEnd + 1
        continue
      }
      const line = text.slice(position, contentEnd)
      // Searching each line for quotes, not the whole text: V8 searches sliced strings slowly.
      if (line.includes('"')) {
        const end = this.#quotedRecord(text, position, final)
        if (end === -1) return position
        position = end
        continue
      }
      if (line.trim() !== '') {
        const fields = line.split(',')
        for (let i = 0; i < fields.length; i++) fields[i] = fields[i]!.trim()
        this.onRecord(fields, this.#line)
      }
      this.#line++
      position = lineEnd + 1
    }
    return position
  }

  /** A record with quotes, char by char; -1 when it continues past the text (and more may come). */
  #quotedRecord(text: string, start: number, final: boolean): number {
    const fields: string[] = []
    let field = ''
    let quoted = false
    let lines = 0
    let position = start
    for (;;) {
      // One field per pass.
      while (position < text.length && (text[position] === ' ' || text[position] === '\t')) position++
      if (text[position] === '"') {
        quoted = true
        position++
        for (;;) {
          const quote = text.indexOf('"', position)
          if (quote === -1) {
            if (!final) return -1
            throw new CsvSyntaxError(this.#line, 'a quoted field is never closed')
          }
          const piece = text.slice(position, quote)
          for (let i = piece.indexOf('\n'); i !== -1; i = piece.indexOf('\n', i + 1)) lines++
          field += piece
          if (text[quote + 1] === '"') {
            field += '"'
            position = quote + 2
            continue
          }
          if (quote + 1 === text.length && !final) return -1
          position = quote + 1
          break
        }
        while (position < text.length && (text[position] === ' ' || text[position] === '\t' || text[position] === '\r')) position++
        const next = text[position]
        if (next !== undefined && next !== ',' && next !== '\n') {
          throw new CsvSyntaxError(this.#line + lines, 'a quote closes in the middle of a field')
        }
      } else {
        let end = position
        while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++
        field = text.slice(position, end).trim()
        position = end
      }
      fields.push(field)
      field = ''
      if (position >= text.length) {
        if (!final) return -1
        break
      }
      if (text[position] === '\n') {
        position++
        break
      }
      position++ // the comma
    }
    if (quoted || fields.some((value) => value !== '')) this.onRecord(fields, this.#line)
    this.#line += lines + 1
    return position
  }
}
