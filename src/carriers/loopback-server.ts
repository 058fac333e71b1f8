/**
 * An HTTP server on 127.0.0.1 for the carriers' simulators and callback listeners: they hold fixed demo
 * credentials or accept a carrier's callbacks, so they never listen on another address.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  readonly port: number
  /** Stops accepting, closes idle keep-alive connections, and resolves once the last request is answered. */
  close(): Promise<void>
}

/** Listens on `port` (0: any free one). @throws the listen error (port in use) as Node gives it. */
export async function listenOnLoopback(port: number, serve: (request: IncomingMessage, response: ServerResponse) => Promise<void> | void): Promise<LoopbackServer> {
  const server = createServer((request, response) => void serve(request, response))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)))
        server.closeIdleConnections()
      }),
  }
}

/** A request's whole body as text (the simulators' requests are small JSON or form bodies). */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** A body as JSON; undefined when empty or not JSON (the simulator answers such a request as the carrier would). */
export function parseJsonBody(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text)
  } catch {
    return undefined
  }
}
