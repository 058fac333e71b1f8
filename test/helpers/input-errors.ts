/**
 * Where an `INPUT_INVALID` message says the problem is, parsed from the position that
 * `describeLocation` puts before the colon; the wording after it is not looked at.
 */
export interface ErrorPosition {
  readonly file: string
  readonly line?: number
  readonly column?: number
}

const POSITION = /^(?<file>[^,:]+\.csv)(?:, line (?<line>\d+))?(?:, column (?<column>\d+))?[^:]*:/

export function errorPosition(message: string): ErrorPosition {
  const match = POSITION.exec(message)
  if (match === null) throw new Error(`no file position in the error message: ${message.slice(0, 200)}`)
  const { file, line, column } = match.groups!
  return { file: file!, ...(line === undefined ? {} : { line: Number(line) }), ...(column === undefined ? {} : { column: Number(column) }) }
}
