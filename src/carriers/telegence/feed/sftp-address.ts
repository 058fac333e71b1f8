/**
 * Where a carrier's report files are: `sftp://host[:port]/folder`. The user and the password or key are
 * the provider's sealed credentials, never part of the address; the host is checked as an API's would be.
 */
import { quoteInput, redactUrl } from '../../../domain/index.js'
import { carrierUrlProblem } from '../../carrier-address.js'

export interface SftpAddress {
  readonly host: string
  readonly port: number
  /** The folder, absolute, without a trailing slash (`/` for the root). */
  readonly folder: string
}

/** Why `url` cannot be an SFTP folder's address, or undefined when it can. */
export function sftpUrlProblem(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `must be an sftp://host[:port]/folder address, got ${quoteInput(redactUrl(url))}`
  }
  if (parsed.protocol !== 'sftp:' || parsed.hostname === '') return `must be an sftp://host[:port]/folder address, got ${quoteInput(redactUrl(url))}`
  if (parsed.search !== '' || parsed.hash !== '') return `must not carry a query or fragment, got ${quoteInput(redactUrl(url))}`
  // The host as an https address, so that it passes the carriers' host rules (no private address unless allowed).
  return carrierUrlProblem(`https://${parsed.username === '' ? '' : `${parsed.username}${parsed.password === '' ? '' : `:${parsed.password}`}@`}${parsed.host}/`, allowPrivate)
}

/** @throws RangeError for an address {@link sftpUrlProblem} refuses even with private hosts allowed. */
export function parseSftpUrl(url: string): SftpAddress {
  const problem = sftpUrlProblem(url, true)
  if (problem !== undefined) throw new RangeError(`SFTP address ${problem}`)
  const parsed = new URL(url)
  const folder = decodeURIComponent(parsed.pathname).replace(/\/+$/, '')
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port === '' ? 22 : Number(parsed.port), folder: folder === '' ? '/' : folder }
}
