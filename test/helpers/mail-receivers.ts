/** Receivers on loopback for what simopt sends: a real SMTP server and a webhook endpoint. */
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** An SMTP server that keeps every message it accepts; `start` again on the same port after `stop`. */
export class SmtpReceiver {
  readonly messages: Buffer[] = []
  #server: SMTPServer | undefined
  port = 0

  async start(port = 0): Promise<void> {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          this.messages.push(Buffer.concat(chunks))
          callback()
        })
      },
    })
    this.#server.listen(port, '127.0.0.1')
    await once(this.#server.server, 'listening')
    this.port = (this.#server.server.address() as AddressInfo).port
  }

  async stop(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

export interface WebhookCall {
  readonly body: string
  readonly signature: string | undefined
  readonly answered: number
}

/** An HTTP endpoint that records every POST, answering 503 to the first `failFirst`. */
export async function webhookReceiver(failFirst = 0): Promise<{ url: string; calls: WebhookCall[]; close(): Promise<void> }> {
  const calls: WebhookCall[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const answered = calls.length < failFirst ? 503 : 204
      const signature = request.headers['x-simopt-signature']
      calls.push({ body: Buffer.concat(chunks).toString('utf8'), signature: Array.isArray(signature) ? signature[0] : signature, answered })
      response.writeHead(answered).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/simopt-events`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
