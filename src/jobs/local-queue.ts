/**
 * The embedded queue: the `jobs` table is the queue, so jobs survive any crash with the database, and a
 * job whose worker died comes back when its lease runs out. Runs in the process that starts it; several
 * processes may share one PostgreSQL database.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { createLogger, type Logger } from '../logger.js'
import { extendJobLease, markJobFailed, type Store } from '../store/index.js'
import { claimNext, jobOfRow } from './job-log.js'
import type { Job, JobOutcome, JobQueue } from './job.js'

const IDLE_POLL_MS = 200

export class LocalQueue implements JobQueue {
  readonly name = 'local'
  readonly #store: Store
  readonly #workerId: string
  readonly #leaseMs: number
  #running = false
  #loops: Promise<void>[] = []
  readonly #sleepers = new Set<() => void>()

  readonly #log: Logger

  /** `log`: where the worker loop reports trouble (default: standard error, at info). */
  constructor(store: Store, workerId: string, leaseMs: number, log: Logger = createLogger({ logLevel: 'info' })) {
    this.#log = log.child({ worker: workerId })
    this.#store = store
    this.#workerId = workerId
    this.#leaseMs = leaseMs
  }

  /** The jobs table is the queue: the database, already open, is all it needs. */
  async ready(): Promise<void> {}

  async publish(_jobs: readonly Job[]): Promise<void> {
    // Already in the table; only idle loops need telling.
    this.#wakeAll()
  }

  async start(handle: (job: Job) => Promise<JobOutcome>, concurrency: number): Promise<void> {
    this.#running = true
    this.#loops = Array.from({ length: concurrency }, () => this.#loop(handle))
  }

  async stop(): Promise<void> {
    this.#running = false
    this.#wakeAll()
    await Promise.all(this.#loops)
  }

  async #loop(handle: (job: Job) => Promise<JobOutcome>): Promise<void> {
    let troubles = 0
    while (this.#running) {
      try {
        const worked = await this.#next(handle)
        troubles = 0
        if (!worked) await this.#idle()
      } catch (error) {
        // The database went away (a restart, a full disk): say so, wait, and try again; jobs in hand come
        // back to a worker when their leases run out.
        troubles++
        this.#log.warn({ error: error instanceof Error ? error.message : String(error) }, 'worker loop failed; retrying')
        await sleep(Math.min(30_000, IDLE_POLL_MS * 2 ** Math.min(troubles, 8)))
      }
    }
  }

  /** Claims and processes one job; false when there was none. */
  async #next(handle: (job: Job) => Promise<JobOutcome>): Promise<boolean> {
    const row = await claimNext(this.#store, this.#workerId, this.#leaseMs)
    if (row === undefined) return false
    let job: Job
    try {
      job = jobOfRow(row)
    } catch (error) {
      await markJobFailed(this.#store.db, row.id, `cannot be read: ${error instanceof Error ? error.message : String(error)}`)
      return true
    }
    const heartbeat = setInterval(() => void extendJobLease(this.#store.db, job.id, this.#workerId, this.#leaseMs).catch(() => {}), this.#leaseMs / 3)
    try {
      await handle(job)
    } finally {
      clearInterval(heartbeat)
    }
    return true
  }

  #wakeAll(): void {
    for (const wake of this.#sleepers) wake()
    this.#sleepers.clear()
  }

  /** Waits for a publish or the next poll (jobs recorded by other processes are only seen by polling). */
  async #idle(): Promise<void> {
    const controller = new AbortController()
    let wake!: () => void
    const woken = new Promise<void>((resolve) => (wake = resolve))
    this.#sleepers.add(wake)
    await Promise.race([woken, sleep(IDLE_POLL_MS, undefined, { signal: controller.signal }).catch(() => {})])
    this.#sleepers.delete(wake)
    controller.abort()
  }
}
