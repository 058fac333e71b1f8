import path from 'node:path'
import { SimoptError, quoteInput } from '../domain/index.js'

/** Where in a user's file something is wrong. Lines and columns count from 1, the header being line 1. */
export interface FileLocation {
  readonly file: string
  readonly line?: number
  readonly column?: number
  readonly columnName?: string
}

/** The one way to report bad input in a file: `sims.csv, line 12, column 2 (usage_mb): must not be negative`. */
export function inputError(location: FileLocation, message: string): SimoptError {
  return new SimoptError('INPUT_INVALID', `${describeLocation(location)}: ${message}`)
}

export function describeLocation({ file, line, column, columnName }: FileLocation): string {
  const parts = [path.basename(file)]
  if (line !== undefined) parts.push(`line ${line}`)
  // A column name can come from the user's header (a duplicated one).
  const named = columnName ? quoteInput(columnName, { bare: true }) : undefined
  if (column !== undefined) parts.push(`column ${column}${named ? ` (${named})` : ''}`)
  else if (named) parts.push(`column ${named}`)
  return parts.join(', ')
}
