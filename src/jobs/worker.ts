/** Puts a queue, the job runner and the pipeline together: what `simopt worker` (and `run --wait`) runs. */
import { randomUUID } from 'node:crypto'
import { availableParallelism, hostname } from 'node:os'
import { closeSharedRedis } from '../carriers/index.js'
import type { Config } from '../config.js'
import { createLogger } from '../logger.js'
import type { Store } from '../store/index.js'
import { BullmqQueue } from './bullmq-queue.js'
import type { JobQueue } from './job.js'
import { JobRunner } from './job-runner.js'
import { LocalQueue } from './local-queue.js'
import type { Stage } from './stage.js'
import { PIPELINE } from './stages/index.js'
import { countJob } from './process-counters.js'
import { workerCache } from './worker-cache.js'

export interface Worker {
  readonly id: string
  stop(): Promise<void>
}

/** Who holds a job, as the jobs table shows it: host, process and a random suffix. */
export function newWorkerId(): string {
  return `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`
}

export function createQueue(config: Config, store: Store, workerId: string): JobQueue {
  if (config.queue === 'bullmq') return new BullmqQueue(store, { redisUrl: config.redisUrl!, leaseMs: config.jobLeaseMs, prefix: config.queuePrefix })
  return new LocalQueue(store, workerId, config.jobLeaseMs, createLogger(config))
}

/** Starts processing jobs; one job per core at a time (optimizer work runs on worker threads). */
export async function startWorker(
  config: Config,
  store: Store,
  queue: JobQueue,
  workerId: string,
  concurrency = availableParallelism(),
  stages: readonly Stage[] = PIPELINE,
): Promise<Worker> {
  const logger = createLogger(config)
  const cache = workerCache(config, store, queue, logger)
  const runner = new JobRunner(store, queue, stages, { workerId, config, logger, cache })
  await queue.start(async (job) => {
    const outcome = await runner.process(job)
    countJob(job.type, outcome.kind)
    return outcome
  }, concurrency)
  return {
    id: workerId,
    stop: async () => {
      await queue.stop()
      cache.close()
      await closeSharedRedis()
    },
  }
}
