/** Query parameters as Control Center checks them: unknown, repeated or malformed ones answer `10000028`. */
import { JASPER_ERRORS, MAX_PAGE_SIZE, parseJasperDate } from '../jasper-wire.js'
import { JasperRejection } from './answers.js'

export interface Paging {
  /** 1..50. */
  readonly pageSize: number
  /** 1-based. */
  readonly pageNumber: number
}

/** @throws JasperRejection `10000028` naming the first parameter not in `allowed`, or one given twice. */
export function onlyParameters(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of new Set(query.keys())) {
    if (!allowed.includes(name)) throw invalidParameter(`Unrecognized parameter: ${name}`)
    if (query.getAll(name).length > 1) throw invalidParameter(`Parameter given more than once: ${name}`)
  }
}

/** `pageSize` (1..50, default 50) and `pageNumber` (from 1, default 1). @throws JasperRejection `10000028`. */
export function pagingParameters(query: URLSearchParams): Paging {
  return {
    pageSize: wholeNumber(query, 'pageSize', 1, MAX_PAGE_SIZE) ?? MAX_PAGE_SIZE,
    pageNumber: wholeNumber(query, 'pageNumber', 1, Number.MAX_SAFE_INTEGER) ?? 1,
  }
}

/** A date parameter in ISO 8601 with an offset or `Z`, epoch ms; undefined when absent or empty. @throws JasperRejection `10000028`. */
export function dateParameter(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name)
  if (text === null || text === '') return undefined
  try {
    return parseJasperDate(text)
  } catch {
    // A `+` sent without URL-encoding arrives as a space: the real service refuses it the same way.
    throw invalidParameter(`Invalid ${name}: ${text}`)
  }
}

export function invalidParameter(message: string): JasperRejection {
  return new JasperRejection(400, JASPER_ERRORS.UNRECOGNIZED_PARAMETER, message)
}

function wholeNumber(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const text = query.get(name)
  if (text === null) return undefined
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN
  if (!(value >= min && value <= max)) throw invalidParameter(`Invalid ${name}: ${text} (must be ${max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min} to ${max}`})`)
  return value
}
