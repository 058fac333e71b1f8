/**
 * `simopt serve`: the HTTP API, the dashboard, a worker and the scheduler (unless `SIMOPT_SCHEDULE_CRON`
 * is off) in one process, on `SIMOPT_HOST`:`SIMOPT_PORT`, until Ctrl+C or SIGTERM (the server stops taking
 * requests, then the jobs in hand finish).
 */
import { once } from 'node:events'
import { Command } from 'commander'
import { startScheduler } from '../jobs/scheduler.js'
import { startWorker } from '../jobs/worker.js'
import { createLogger } from '../logger.js'
import { parseOption, wholeNumberOption } from './options.js'
import { withService, type Service } from './service.js'

export interface ServeOptions {
  readonly host?: string
  readonly port?: number
  readonly concurrency?: number
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the HTTP API, the dashboard and a worker until stopped; prints the address')
    .option('--port <port>', 'port (default SIMOPT_PORT, 8080; 0: any free port)')
    .option('--host <host>', 'address to listen on (default SIMOPT_HOST, 127.0.0.1)')
    .option('--concurrency <n>', "the worker's jobs at a time (default: one per core)")
    .action(async (options: { port?: string; host?: string; concurrency?: string }) => {
      const port = options.port === undefined ? undefined : parseOption('--port', options.port, wholeNumberOption(0, 65_535))
      const concurrency = options.concurrency === undefined ? undefined : parseOption('--concurrency', options.concurrency, wholeNumberOption(1, 64))
      await withService((service) => serveUntilStopped(service, { host: options.host, port, concurrency }))
    })
}

/** Serves the API, the dashboard and a worker until SIGINT or SIGTERM; `simopt demo --serve` too. */
export async function serveUntilStopped(service: Service, options: ServeOptions): Promise<void> {
  const { config, store } = service
  // Loaded here, not at the top: fastify, its plugins and prom-client are slow to load, and only serving needs them.
  const { buildApi } = await import('../api/index.js')
  const app = await buildApi({ store, config, queue: service.queue() })
  const worker = await startWorker(config, store, service.queue(), service.workerId, options.concurrency)
  const scheduler = startScheduler({ store, queue: service.queue(), config }, createLogger(config))
  try {
    const url = await app.listen({ host: options.host ?? config.host, port: options.port ?? config.port })
    // The first line of standard output, alone: scripts (and tests) read the address from it.
    process.stdout.write(`${url}\n`)
    const scheduling = config.scheduleCron === undefined ? 'no scheduler (SIMOPT_SCHEDULE_CRON=off)' : `the schedule ticks on "${config.scheduleCron}" (UTC)`
    process.stderr.write(`simopt serves the dashboard at ${url}/ and the API at ${url}/api (documented at ${url}/docs); a worker processes ${config.queue} jobs; ${scheduling}; stop with Ctrl+C\n`)
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
    process.stderr.write('stopping: no new requests, finishing the jobs in hand\n')
  } finally {
    // No new sessions first, then no new requests, then the jobs in hand finish.
    await scheduler.stop()
    await app.close()
    await worker.stop()
  }
}
