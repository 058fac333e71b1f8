/**
 * The embedded queue: the `jobs` table is the queue, so jobs survive any crash with the database, and a
 * job whose worker died comes back when its lease runs out. Runs in the process that starts it; several
 * processes may share one PostgreSQL database.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Store } from '../store/database.js'
import { claimNext, extendLease } from './job-log.js'
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

  constructor(store: Store, workerId: string, leaseMs: number) {
    this.#store = store
    this.#workerId = workerId
    this.#leaseMs = leaseMs
  }

  async publish(_jobs: readonly Job[]): Promise<void> {
    // Already in the table; only idle loops need telling.
    this.#wakeAll()
  }

  async start(process: (job: Job) => Promise<JobOutcome>, concurrency: number): Promise<void> {
    this.#running = true
    this.#loops = Array.from({ length: concurrency }, () => this.#loop(process))
  }

  async stop(): Promise<void> {
    this.#running = false
    this.#wakeAll()
    await Promise.all(this.#loops)
  }

  async #loop(process: (job: Job) => Promise<JobOutcome>): Promise<void> {
    while (this.#running) {
      const job = await claimNext(this.#store, this.#workerId, this.#leaseMs)
      if (job === undefined) {
        await this.#idle()
        continue
      }
      const heartbeat = setInterval(() => void extendLease(this.#store.db, job.id, this.#workerId, this.#leaseMs).catch(() => {}), this.#leaseMs / 3)
      try {
        await process(job)
      } finally {
        clearInterval(heartbeat)
      }
    }
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
