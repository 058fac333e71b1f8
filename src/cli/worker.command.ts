/**
 * `simopt worker`: processes jobs, and ticks the schedule (unless `SIMOPT_SCHEDULE_CRON` is off), until
 * stopped (Ctrl+C or SIGTERM finish the jobs running first).
 */
import { once } from 'node:events'
import { Command } from 'commander'
import { startScheduler } from '../jobs/scheduler.js'
import { startWorker } from '../jobs/worker.js'
import { createLogger } from '../logger.js'
import { parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

export function workerCommand(): Command {
  return new Command('worker')
    .description('process jobs until stopped')
    .option('--concurrency <n>', 'jobs at a time (default: one per core)')
    .action(async (options: { concurrency?: string }) => {
      await withService(async (service) => {
        const concurrency = options.concurrency === undefined ? undefined : parseOption('--concurrency', options.concurrency, wholeNumberOption(1, 64))
        const { config, store } = service
        const worker = await startWorker(config, store, service.queue(), service.workerId, concurrency)
        const scheduler = startScheduler({ store, queue: service.queue(), config }, createLogger(config))
        process.stderr.write(`worker ${worker.id} is processing ${config.queue} jobs; stop with Ctrl+C\n`)
        await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
        process.stderr.write('stopping: finishing the jobs in hand\n')
        await scheduler.stop()
        await worker.stop()
      })
    })
}
