/**
 * Where a carrier's API may be: a public http(s) address without user name or password. Loopback,
 * private, link-local (cloud metadata at 169.254.169.254), shared, reserved and multicast addresses are not
 * a carrier's, in IPv4 and IPv6 (IPv4-mapped, NAT64 and 6to4 forms read as the IPv4 address they carry),
 * unless the operator allows them (`SIMOPT_ALLOW_PRIVATE_CARRIER_URLS`, for simulators and tests).
 * Names are checked twice: literally when the address is given, and by what they resolve to at each call.
 */
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { quoteInput, redactUrl } from '../domain/index.js'

/** IPv4 blocks that are no public host's: [first address as a number, prefix length]. */
const NON_PUBLIC_V4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local: cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
]

/**
 * Why `url` cannot be a carrier API's address, or undefined when it can. The URL in the answer is redacted.
 * Names are taken as they are here (`localhost` excepted); {@link checkResolvedHost} checks what they resolve to.
 */
export function carrierUrlProblem(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `must be an http(s) URL, got ${quoteInput(redactUrl(url))}`
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `must be an http(s) URL, got ${quoteInput(redactUrl(url))}`
  if (parsed.username !== '' || parsed.password !== '') return `must not carry a user name or password (${redactUrl(url).slice(0, 80)}): give them as the user and API key, which are stored encrypted`
  if (allowPrivate) return undefined
  const host = hostOf(parsed)
  if (isIP(host) !== 0 ? isNonPublicAddress(host) : isLocalName(host)) return `${parsed.host} is a loopback, private or link-local address, not a carrier's (SIMOPT_ALLOW_PRIVATE_CARRIER_URLS=true allows it)`
  return undefined
}

/**
 * Resolves `url`'s host as the call about to be made will, and says why it may not be called (undefined: it
 * may). Every address the name has must be public: a name with one private address is refused.
 */
export async function checkResolvedHost(url: string): Promise<string | undefined> {
  const parsed = new URL(url)
  const host = hostOf(parsed)
  if (isIP(host) === 0 && isLocalName(host)) return `${host} is a local name, not a carrier's (SIMOPT_ALLOW_PRIVATE_CARRIER_URLS=true allows it)`
  let addresses: { address: string }[]
  try {
    addresses = await lookup(host, { all: true, verbatim: true })
  } catch {
    return undefined // the call itself fails and says why (ENOTFOUND)
  }
  const local = addresses.find(({ address }) => isNonPublicAddress(address))
  if (local === undefined) return undefined
  return `${host} resolves to ${local.address}, a loopback, private or link-local address, not a carrier's (SIMOPT_ALLOW_PRIVATE_CARRIER_URLS=true allows it)`
}

/** Whether an IPv4 or IPv6 address (text) is no public host's; anything that is not an address counts as not public. */
export function isNonPublicAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  const kind = isIP(plain)
  if (kind === 4) return isNonPublicV4(v4Number(plain))
  if (kind === 6) return isNonPublicV6(v6Groups(plain))
  return true
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
}

function isLocalName(host: string): boolean {
  const name = host.replace(/\.$/, '')
  return name === 'localhost' || name.endsWith('.localhost')
}

function v4Number(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0)
}

function isNonPublicV4(value: number): boolean {
  return NON_PUBLIC_V4.some(([first, bits]) => Math.floor(value / 2 ** (32 - bits)) === Math.floor(v4Number(first) / 2 ** (32 - bits)))
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 part converted). */
function v6Groups(address: string): number[] {
  let text = address.toLowerCase()
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted !== null) {
    const v4 = v4Number(dotted[1]!)
    text = `${text.slice(0, dotted.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)))
  const front = parse(head)
  const back = tail === undefined ? [] : parse(tail)
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back]
}

function isNonPublicV6(g: number[]): boolean {
  const embeddedV4 = (high: number, low: number) => isNonPublicV4(high * 65536 + low)
  const zerosUpTo = (n: number) => g.slice(0, n).every((group) => group === 0)
  if (zerosUpTo(6)) return true // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (zerosUpTo(5) && g[5] === 0xffff) return embeddedV4(g[6]!, g[7]!) // IPv4-mapped ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b) return g.slice(2, 6).every((group) => group === 0) ? embeddedV4(g[6]!, g[7]!) : true // NAT64; its local-use block
  if (g[0] === 0x2002) return embeddedV4(g[1]!, g[2]!) // 6to4
  if (g[0] === 0x2001 && (g[1] === 0 || g[1] === 0xdb8)) return true // Teredo, documentation
  if (g[0] === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return true // discard
  const first = g[0]!
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0 || (first & 0xff00) === 0xff00
}
