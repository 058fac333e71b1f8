/**
 * The chaos run's `simopt worker` processes: real child processes on the run's queue, each one's log in a
 * file of its own. One can be killed with SIGKILL (a replacement starts at once); all are stopped at the
 * end, killed if they do not stop within seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import path from 'node:path'

const STOP_GRACE_MS = 10_000

export class WorkerPool {
  readonly #cli: string
  readonly #env: Record<string, string>
  readonly #logFolder: string
  readonly #concurrency: number
  readonly #live: ChildProcess[] = []
  /** Workers being killed or stopped here: their exit is expected. */
  readonly #ending = new Set<ChildProcess>()
  #started = 0
  #crashed = 0
  #stopping = false

  constructor(cli: string, env: Record<string, string>, logFolder: string, concurrency: number) {
    this.#cli = cli
    this.#env = env
    this.#logFolder = logFolder
    this.#concurrency = concurrency
  }

  /** Process ids of the workers running now. */
  get pids(): readonly number[] {
    return this.#live.map((child) => child.pid!)
  }

  /** Worker processes started so far, replacements included. */
  get started(): number {
    return this.#started
  }

  start(): number {
    const log = createWriteStream(path.join(this.#logFolder, `worker-${++this.#started}.log`))
    const child = spawn(process.execPath, [this.#cli, 'worker', '--concurrency', String(this.#concurrency)], {
      env: { ...process.env, ...this.#env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.pipe(log, { end: false })
    child.stderr!.pipe(log, { end: false })
    child.once('exit', () => {
      log.end()
      const at = this.#live.indexOf(child)
      if (at >= 0) this.#live.splice(at, 1)
      if (this.#ending.has(child) || this.#stopping) return
      // Died by itself: counted (the run reports it), and replaced so the session can go on.
      this.#crashed++
      this.start()
    })
    this.#live.push(child)
    return child.pid!
  }

  /** SIGKILLs the worker `pid`, waits for it to be gone, and starts a replacement. */
  async kill(pid: number): Promise<void> {
    const child = this.#live.find((candidate) => candidate.pid === pid)
    if (child === undefined) throw new Error(`no live worker ${pid}`)
    this.#ending.add(child)
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker ${pid} has already exited`)
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
    this.start()
  }

  /** Workers that died without being killed here (a crash is a finding, not a kill). */
  get crashed(): number {
    return this.#crashed
  }

  /** Stops every worker: SIGTERM, then SIGKILL for any still running after a grace period. */
  async stopAll(): Promise<void> {
    this.#stopping = true
    await Promise.all(
      [...this.#live].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = once(child, 'exit')
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
        await exited
        clearTimeout(timer)
      }),
    )
  }
}
