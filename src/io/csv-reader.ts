/**
 * Streams a CSV file with a header line, row by row, so that files of millions of SIMs load in bounded
 * memory. Columns are found by name (any order, extra columns ignored); every problem becomes one
 * `INPUT_INVALID` error naming the file, line and column.
 */
import { createReadStream } from 'node:fs'
import type { z } from 'zod'
import { quoteInput } from '../domain/index.js'
import { CsvSyntaxError, CsvTokenizer, type LineParser } from './csv-tokenizer.js'
import { inputError } from './input-error.js'

export interface CsvColumns {
  readonly required: readonly string[]
  readonly optional?: readonly string[]
}

/** One data row of a CSV file. The same object is reused for every row; do not keep it. */
export class CsvRow {
  line = 0
  #values: readonly string[] = []

  constructor(
    readonly file: string,
    readonly header: ReadonlyMap<string, number>,
  ) {}

  /** @internal */
  load(values: readonly string[], line: number): void {
    this.#values = values
    this.line = line
  }

  /** Whether the file has this column. */
  has(column: string): boolean {
    return this.header.has(column)
  }

  /** The cell's text, trimmed; '' when empty or when the file has no such column. */
  text(column: string): string {
    const index = this.header.get(column)
    return index === undefined ? '' : (this.#values[index] ?? '')
  }

  /** The cell parsed by `schema`; a bad or empty value stops with a located error. */
  parse<T>(column: string, schema: z.ZodType<T, string>): T {
    const text = this.text(column)
    if (text === '') this.fail(column, 'is empty')
    const result = schema.safeParse(text)
    if (!result.success) this.fail(column, result.error.issues[0]?.message ?? 'is not valid')
    return result.data as T
  }

  /** Like {@link parse}, but an empty cell or a missing column gives `fallback`. */
  parseOptional<T>(column: string, schema: z.ZodType<T, string>, fallback: T): T {
    return this.text(column) === '' ? fallback : this.parse(column, schema)
  }

  fail(column: string, message: string): never {
    const index = this.header.get(column)
    throw inputError({ file: this.file, line: this.line, column: index === undefined ? undefined : index + 1, columnName: column }, message)
  }
}

/**
 * Reads `file`, calling `onRow` for each data row. Returns the number of data rows and the header.
 * `fastRows`, given the header, may return a {@link LineParser} that takes plain data lines itself (a
 * million SIMs); a line it declines reaches `onRow` as usual, so errors are `onRow`'s alone.
 * @throws SimoptError `INPUT_INVALID` for an unreadable or empty file, a missing column, a malformed line,
 *   or whatever `onRow` throws.
 */
export async function readCsv(
  file: string,
  columns: CsvColumns,
  onRow: (row: CsvRow) => void,
  fastRows?: (header: ReadonlyMap<string, number>) => LineParser | undefined,
): Promise<{ rows: number; header: ReadonlyMap<string, number> }> {
  let row: CsvRow | undefined
  let rows = 0
  const tokenizer = new CsvTokenizer((fields, line) => {
    if (row === undefined) {
      row = new CsvRow(file, readHeader(file, fields, columns))
      const parser = fastRows?.(row.header)
      if (parser !== undefined) {
        tokenizer.lineParser = (text, start, end, line) => {
          if (!parser(text, start, end, line)) return false
          rows++
          return true
        }
      }
      return
    }
    if (fields.length !== row.header.size) {
      throw inputError({ file, line }, `has ${fields.length} field${fields.length === 1 ? '' : 's'} where the header has ${row.header.size}`)
    }
    row.load(fields, line)
    onRow(row)
    rows++
  })
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })
  try {
    for await (const chunk of input as AsyncIterable<string>) tokenizer.push(chunk)
    tokenizer.end()
  } catch (error) {
    throw asInputError(file, error)
  } finally {
    input.destroy()
  }
  if (row === undefined) {
    throw inputError({ file }, `is empty; expected a header line with the columns ${[...columns.required].join(',')}`)
  }
  return { rows, header: row.header }
}

function readHeader(file: string, record: readonly string[], columns: CsvColumns): Map<string, number> {
  const header = new Map<string, number>()
  for (const [index, rawName] of record.entries()) {
    const name = rawName.toLowerCase()
    if (header.has(name)) throw inputError({ file, line: 1, column: index + 1, columnName: name }, 'appears twice in the header')
    header.set(name, index)
  }
  const missing = columns.required.filter((name) => !header.has(name))
  if (missing.length > 0) {
    throw inputError(
      { file, line: 1 },
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the header has ${record.length === 0 ? 'nothing' : quoteInput(record.join(','), { bare: true })})`,
    )
  }
  return header
}

function asInputError(file: string, error: unknown): unknown {
  if (error instanceof CsvSyntaxError) return inputError({ file, line: error.line }, error.message)
  switch (error instanceof Error && 'code' in error ? error.code : undefined) {
    case 'ENOENT':
      return inputError({ file }, 'cannot be read: no such file')
    case 'EACCES':
      return inputError({ file }, 'cannot be read: permission denied')
    case 'EISDIR':
      return inputError({ file }, 'is a folder, not a file')
    default:
      return error
  }
}
