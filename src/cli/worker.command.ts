/**
 * `simopt worker`: processes jobs, and ticks the schedule (unless `SIMOPT_SCHEDULE_CRON` is off), until
 * stopped (Ctrl+C or SIGTERM finish the jobs running first). With `--port` (`SIMOPT_WORKER_PORT`) it also
 * serves its own `/healthz`, `/readyz` and `/metrics`.
 */
import { once } from 'node:events'
import { Command } from 'commander'
import { SimoptError } from '../domain/index.js'
import { startScheduler } from '../jobs/scheduler.js'
import { startWorker } from '../jobs/worker.js'
import { createLogger } from '../logger.js'
import type { Store } from '../store/index.js'
import type { WorkerEndpoints } from '../api/worker-endpoints.js'
import { parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

export function workerCommand(): Command {
  return new Command('worker')
    .description('process jobs until stopped; with --port, serve /healthz, /readyz and /metrics')
    .option('--concurrency <n>', 'jobs at a time (default: one per core)')
    .option('--port <port>', 'serve /healthz, /readyz and /metrics on this port of SIMOPT_HOST (default SIMOPT_WORKER_PORT; unset: not served; 0: any free port)')
    .action(async (options: { concurrency?: string; port?: string }) => {
      await withService(async (service) => {
        const concurrency = options.concurrency === undefined ? undefined : parseOption('--concurrency', options.concurrency, wholeNumberOption(1, 64))
        const port = options.port === undefined ? service.config.workerPort : parseOption('--port', options.port, wholeNumberOption(0, 65_535))
        const { config, store } = service
        // Loaded here: the HTTP server and prom-client are for workers that serve them.
        const endpoints = port === undefined ? undefined : await listen(store, config.host, port, config.metricsToken)
        try {
          const worker = await startWorker(config, store, service.queue(), service.workerId, concurrency)
          const scheduler = startScheduler({ store, queue: service.queue(), config }, createLogger(config))
          // The first line of standard output, alone: scripts (and tests) read the address from it.
          if (endpoints !== undefined) process.stdout.write(`${endpoints.url}\n`)
          const served = endpoints === undefined ? 'no /metrics (set --port or SIMOPT_WORKER_PORT)' : `/healthz, /readyz and /metrics at ${endpoints.url}`
          process.stderr.write(`worker ${worker.id} is processing ${config.queue} jobs; ${served}; stop with Ctrl+C\n`)
          await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
          process.stderr.write('stopping: finishing the jobs in hand\n')
          await scheduler.stop()
          await worker.stop()
        } finally {
          await endpoints?.close()
        }
      })
    })
}

async function listen(store: Store, host: string, port: number, metricsToken: string | undefined): Promise<WorkerEndpoints> {
  const { serveWorkerEndpoints } = await import('../api/worker-endpoints.js')
  try {
    return await serveWorkerEndpoints(store, { host, port }, metricsToken)
  } catch (error) {
    throw new SimoptError('INPUT_INVALID', `worker port ${port} on ${host}: ${error instanceof Error ? error.message : String(error)} (give a free one with --port or SIMOPT_WORKER_PORT)`, { field: 'SIMOPT_WORKER_PORT' })
  }
}
