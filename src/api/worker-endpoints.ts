/**
 * A worker's own `/healthz`, `/readyz` and `/metrics` (`simopt worker --port`), for orchestrators and
 * Prometheus: the same answers as the API's, on a bare `node:http` server (a worker has no API to carry them).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { processMetrics } from '../jobs/metrics.js'
import { readiness } from '../jobs/readiness.js'
import { errorSpec } from '../domain/index.js'
import { metricsRefusal } from './metrics-access.js'
import type { Store } from '../store/index.js'

export interface WorkerEndpoints {
  /** `http://host:port`, the port chosen when 0 was asked for. */
  readonly url: string
  close(): Promise<void>
}

/** @throws the listening error (a port in use: `EADDRINUSE`). */
export async function serveWorkerEndpoints(store: Store, address: { readonly host: string; readonly port: number }, metricsToken: string | undefined): Promise<WorkerEndpoints> {
  const { registry } = processMetrics(store, { fleet: false })
  const json = (response: ServerResponse, status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const route = new URL(request.url ?? '/', 'http://worker').pathname
    if (request.method !== 'GET' && request.method !== 'HEAD') return void json(response, 405, { code: 'ROUTE_NOT_FOUND', message: `${request.method} is not answered here; GET /healthz, /readyz or /metrics` })
    if (route === '/healthz') return void json(response, 200, { status: 'ok' })
    if (route === '/readyz') {
      try {
        return void json(response, 200, await readiness(store))
      } catch {
        return void json(response, 503, { code: 'UNAVAILABLE', message: 'the database is not reachable' })
      }
    }
    if (route === '/metrics') {
      const refusal = metricsRefusal(metricsToken, request.headers.authorization, request.socket.remoteAddress)
      if (refusal !== undefined) return void json(response, errorSpec(refusal.code).httpStatus, { code: refusal.code, message: refusal.message })
      return void response.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics())
    }
    json(response, 404, { code: 'ROUTE_NOT_FOUND', message: `no route ${route}; a worker answers /healthz, /readyz and /metrics` })
  }
  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => json(response, 500, { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) }))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(address.port, address.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const host = address.host.includes(':') ? `[${address.host}]` : address.host
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
      }),
  }
}
