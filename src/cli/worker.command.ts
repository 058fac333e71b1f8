/** `simopt worker`: processes jobs until stopped (Ctrl+C or SIGTERM finish the jobs running first). */
import { once } from 'node:events'
import { Command } from 'commander'
import { startWorker } from '../jobs/worker.js'
import { parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

export function workerCommand(): Command {
  return new Command('worker')
    .description('process jobs until stopped')
    .option('--concurrency <n>', 'jobs at a time (default: one per core)')
    .action(async (options: { concurrency?: string }) => {
      await withService(async (service) => {
        const concurrency = options.concurrency === undefined ? undefined : parseOption('--concurrency', options.concurrency, wholeNumberOption(1, 64))
        const worker = await startWorker(service.config, service.store, service.queue(), service.workerId, concurrency)
        process.stderr.write(`worker ${worker.id} is processing ${service.config.queue} jobs; stop with Ctrl+C\n`)
        await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
        process.stderr.write('stopping: finishing the jobs in hand\n')
        await worker.stop()
      })
    })
}
