/** A TCP proxy on loopback in front of a real service, to take it away and bring it back mid-test. */
import { once } from 'node:events'
import { createConnection, createServer, type Server, type Socket } from 'node:net'

export class TcpProxy {
  readonly #target: { host: string; port: number }
  readonly #sockets = new Set<Socket>()
  #server: Server | undefined
  port = 0

  constructor(target: { host: string; port: number }) {
    this.#target = target
  }

  /** Listens (on `port` when given: the same address again after `stop`). */
  async start(port = this.port): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = createConnection(this.#target)
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => socket.destroy())
      }
      client.pipe(upstream).pipe(client)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
    this.#server.listen(port, '127.0.0.1')
    await once(this.#server, 'listening')
    this.port = (this.#server.address() as { port: number }).port
  }

  /** Refuses new connections and cuts the open ones: to its clients, the service is gone. */
  async stop(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    for (const socket of this.#sockets) socket.destroy()
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
