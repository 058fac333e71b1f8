/**
 * Who may read `/metrics`. Its series name tenants and providers and carry their bills, savings and fleet
 * sizes, so it is not open to whoever reaches the port (the API's is the dashboard's, often public). With
 * `SIMOPT_METRICS_TOKEN` set, a scraper sends it as a bearer token (Prometheus: `authorization` in its scrape
 * config); unset, only callers on this machine's loopback are answered, as a Prometheus beside it would be.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { SimoptError } from '../domain/index.js'

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/

/** Why the caller may not read `/metrics`, or undefined when it may. */
export function metricsRefusal(token: string | undefined, authorization: string | undefined, remoteAddress: string | undefined): SimoptError | undefined {
  if (token === undefined) {
    if (remoteAddress !== undefined && LOOPBACK.test(remoteAddress)) return undefined
    return new SimoptError('FORBIDDEN', '/metrics answers this machine only; set SIMOPT_METRICS_TOKEN and send it as a bearer token to scrape it from elsewhere')
  }
  const sent = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1]
  // Hashes of equal length, compared in constant time: the token's length and prefix are not told by timing.
  if (sent !== undefined && timingSafeEqual(digest(sent), digest(token))) return undefined
  return new SimoptError('AUTH_REQUIRED', '/metrics needs the SIMOPT_METRICS_TOKEN as a bearer token (Authorization: Bearer …)')
}

const digest = (text: string) => createHash('sha256').update(text).digest()
