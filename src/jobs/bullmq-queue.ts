/**
 * The distributed queue: BullMQ on Redis, workers on any number of machines. Delivery is BullMQ's; the
 * `jobs` table stays the record. Jobs are published after the transaction that records them commits,
 * so a crash in between could lose a publish: every worker re-publishes, now and then, the jobs the
 * table says are waiting, and BullMQ ignores a job id it already holds.
 */
import type { Job as BullJob, Queue, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { redactUrl } from '../config.js'
import { SimoptError } from '../domain/index.js'
import type { Store } from '../store/index.js'
import { strandedJobs } from './job-log.js'
import type { Job, JobOutcome, JobQueue } from './job.js'

const QUEUE_NAME = 'simopt'
/** Retries are counted in the jobs table; BullMQ only needs to keep redelivering until the runner gives up. */
const DELIVERIES = 1000
const RETRY_DELAY_MS = 1000
const READY_TIMEOUT_MS = 5000

/** What the queue needs once it is in use: BullMQ's worker class, and the connection and queue it publishes on. */
interface Connected {
  readonly Worker: typeof Worker
  readonly connection: Redis
  readonly queue: Queue
}

export interface BullmqQueueOptions {
  readonly redisUrl: string
  readonly leaseMs: number
  /** Key prefix in Redis; separate prefixes are separate queues (tests use one each). */
  readonly prefix?: string
}

export class BullmqQueue implements JobQueue {
  readonly name = 'bullmq'
  readonly #store: Store
  readonly #options: BullmqQueueOptions
  #connected: Promise<Connected> | undefined
  #worker: Worker | undefined
  #workerConnection: Redis | undefined
  #sweeper: NodeJS.Timeout | undefined
  #stopped: Promise<void> | undefined

  constructor(store: Store, options: BullmqQueueOptions) {
    this.#store = store
    this.#options = options
  }

  async ready(): Promise<void> {
    await this.#ready()
  }

  async publish(jobs: readonly Job[]): Promise<void> {
    if (jobs.length === 0) return
    const { queue } = await this.#ready()
    await queue.addBulk(
      jobs.map((job) => ({
        name: job.type,
        data: { entityId: job.entityId },
        opts: {
          jobId: job.id,
          ...(job.delayMs === undefined ? {} : { delay: job.delayMs }),
          attempts: DELIVERIES,
          // The runner decides how long a retry waits (deliveries wait longer than stages); see RetryLater.
          backoff: { type: 'runner', delay: RETRY_DELAY_MS },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      })),
    )
  }

  async start(process: (job: Job) => Promise<JobOutcome>, concurrency: number): Promise<void> {
    const { leaseMs } = this.#options
    const { Worker, connection } = await this.#connect()
    this.#worker = new Worker(
      QUEUE_NAME,
      async (bullJob: BullJob<{ entityId: string }>) => {
        const job: Job = { id: bullJob.id!, type: bullJob.name as Job['type'], entityId: bullJob.data.entityId }
        const outcome = await process(job)
        // The runner has recorded a retry; BullMQ schedules it.
        if (outcome.kind === 'retry') throw new RetryLater(outcome.error, outcome.delayMs)
      },
      {
        connection: (this.#workerConnection = connection.duplicate()),
        prefix: this.#options.prefix ?? 'simopt',
        concurrency,
        lockDuration: leaseMs,
        stalledInterval: leaseMs,
        // A job whose worker died is handed on, however often that happens.
        maxStalledCount: DELIVERIES,
        settings: { backoffStrategy: (_attempts, _type, error) => (error instanceof RetryLater ? error.delayMs : RETRY_DELAY_MS) },
      },
    )
    this.#worker.on('error', () => {}) // connection trouble is retried by ioredis; jobs come back when it heals
    await this.#republish()
    this.#sweeper = setInterval(() => void this.#republish().catch(() => {}), leaseMs)
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      clearInterval(this.#sweeper)
      await this.#worker?.close()
      if (this.#connected === undefined) return
      const { connection, queue } = await this.#connected
      await queue.close()
      // BullMQ leaves connections it was given open; they are ours to close.
      this.#workerConnection?.disconnect()
      connection.disconnect()
    })()
    return this.#stopped
  }

  /** Loads BullMQ and ioredis and connects, on first use: they are slow to load, and most CLI commands never queue. */
  #connect(): Promise<Connected> {
    this.#connected ??= (async () => {
      const [{ Queue, Worker }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')])
      const connection = new Redis(this.#options.redisUrl, { maxRetriesPerRequest: null })
      // ioredis retries on its own; without a listener each failed attempt is printed as an unhandled error with its stack.
      connection.on('error', () => {})
      const queue = new Queue(QUEUE_NAME, { connection, prefix: this.#options.prefix ?? 'simopt' })
      queue.on('error', () => {})
      return { Worker, connection, queue }
    })()
    return this.#connected
  }

  /** Redis reachable, or a clear error within seconds (ioredis would otherwise wait for it forever). */
  async #ready(): Promise<Connected> {
    const connected = await this.#connect()
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SimoptError('UNAVAILABLE', `cannot reach Redis at SIMOPT_REDIS_URL=${redactUrl(this.#options.redisUrl)}; nothing was done`)), READY_TIMEOUT_MS)
    })
    try {
      await Promise.race([connected.queue.waitUntilReady(), deadline])
    } finally {
      clearTimeout(timer)
    }
    return connected
  }

  async #republish(): Promise<void> {
    await this.publish(await strandedJobs(this.#store.db, this.#options.leaseMs))
  }
}

/** A retry the runner has recorded, with the wait it chose. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message)
  }
}
