/**
 * `simopt serve`: the HTTP API, the dashboard, a worker and the scheduler (unless `SIMOPT_SCHEDULE_CRON`
 * is off) in one process, on `SIMOPT_HOST`:`SIMOPT_PORT`, until Ctrl+C or SIGTERM (the server stops taking
 * requests, then the jobs in hand finish). `--no-worker`: the API tier alone, `simopt worker` processes
 * doing the jobs and ticking the schedule.
 */
import { once } from 'node:events'
import { Command } from 'commander'
import { startScheduler } from '../jobs/scheduler.js'
import { startWorker } from '../jobs/worker.js'
import { createLogger } from '../logger.js'
import { parseOption, wholeNumberOption } from './options.js'
import type { Config } from '../config.js'
import { SimoptError } from '../domain/index.js'
import { withService, type Service } from './service.js'

export interface ServeOptions {
  readonly host?: string
  readonly port?: number
  readonly concurrency?: number
  /** False: no worker and no scheduler in this process (the API tier of a deployment with worker processes). Default true. */
  readonly worker?: boolean
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the HTTP API, the dashboard and a worker until stopped; prints the address')
    .option('--port <port>', 'port (default SIMOPT_PORT, 8080; 0: any free port)')
    .option('--host <host>', 'address to listen on (default SIMOPT_HOST, 127.0.0.1)')
    .option('--concurrency <n>', "the worker's jobs at a time (default: one per core)")
    .option('--no-worker', 'the API and the dashboard only: `simopt worker` processes do the jobs and tick the schedule')
    .action(async (options: { port?: string; host?: string; concurrency?: string; worker: boolean }) => {
      const port = options.port === undefined ? undefined : parseOption('--port', options.port, wholeNumberOption(0, 65_535))
      const concurrency = options.concurrency === undefined ? undefined : parseOption('--concurrency', options.concurrency, wholeNumberOption(1, 64))
      if (!options.worker && concurrency !== undefined) throw new SimoptError('INPUT_INVALID', '--concurrency is for the worker, and --no-worker runs none: give one or the other', { field: '--concurrency' })
      await withService((service) => serveUntilStopped(service, { host: options.host, port, concurrency, worker: options.worker }))
    })
}

/** Serves the API, the dashboard and a worker until SIGINT or SIGTERM; `simopt demo --serve` too. */
export async function serveUntilStopped(service: Service, options: ServeOptions): Promise<void> {
  const { config, store } = service
  // Loaded here, not at the top: fastify, its plugins and prom-client are slow to load, and only serving needs them.
  const { buildApi } = await import('../api/index.js')
  const withWorker = options.worker ?? true
  const secretKeyWarning = secretKeyProblem(config, withWorker)
  if (secretKeyWarning !== undefined) process.stderr.write(`warning: ${secretKeyWarning}\n`)
  const app = await buildApi({ store, config, queue: service.queue() })
  const worker = withWorker ? await startWorker(config, store, service.queue(), service.workerId, options.concurrency) : undefined
  const scheduler = withWorker ? startScheduler({ store, queue: service.queue(), config }, createLogger(config)) : undefined
  try {
    const url = await app.listen({ host: options.host ?? config.host, port: options.port ?? config.port })
    // The first line of standard output, alone: scripts (and tests) read the address from it.
    process.stdout.write(`${url}\n`)
    const scheduling = config.scheduleCron === undefined ? 'no scheduler (SIMOPT_SCHEDULE_CRON=off)' : `the schedule ticks on "${config.scheduleCron}" (UTC)`
    const jobs = withWorker ? `a worker processes ${config.queue} jobs; ${scheduling}` : `no worker and no scheduler here (--no-worker): simopt worker processes do the ${config.queue} jobs`
    process.stderr.write(`simopt serves the dashboard at ${url}/ and the API at ${url}/api (documented at ${url}/docs); ${jobs}; stop with Ctrl+C\n`)
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
    process.stderr.write('stopping: no new requests, finishing the jobs in hand\n')
  } finally {
    // No new sessions first, then no new requests, then the jobs in hand finish.
    await scheduler?.stop()
    await app.close()
    await worker?.stop()
  }
}

/**
 * Without `SIMOPT_SECRET_KEY`, each process encrypts and reads carrier credentials with the key in its own
 * `SIMOPT_SECRET_KEY_FILE`, generated on first use: a worker on another machine or container (any
 * PostgreSQL deployment can have one; `--no-worker` needs one) makes a different key and cannot read them.
 */
export function secretKeyProblem(config: Pick<Config, 'secretKey' | 'secretKeyFile' | 'databaseUrl'>, withWorker: boolean): string | undefined {
  if (config.secretKey !== undefined) return undefined
  if (withWorker && config.databaseUrl.startsWith('sqlite:')) return undefined
  return (
    `SIMOPT_SECRET_KEY is unset: carrier credentials are encrypted with the key in ${config.secretKeyFile}, made on first use; ` +
    'a worker on another machine or container makes a different one and cannot read them. Set SIMOPT_SECRET_KEY to the same value on every process'
  )
}
