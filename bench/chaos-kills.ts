/**
 * Where a chaos session is in its life, read from the database as an operator would see it, and the plan
 * of SIGKILLs spread over that life: the kills are shared out over sync, optimize, report, push and
 * verify, each on a random worker; in a long stage at random points of its progress (the devices and
 * readings stored, the changes pushed or verified), in a short one after random waits of a second or so.
 * Kills a stage ended too soon for are carried into the next stage. Each kill records the jobs the killed
 * worker held at that moment.
 */
import type { Random } from '../src/demo/index.js'
import type { Db } from '../src/store/database.js'
import type { WorkerPool } from './chaos-workers.js'

export const CHAOS_PHASES = ['sync', 'optimize', 'report', 'push', 'verify'] as const
export type ChaosPhase = (typeof CHAOS_PHASES)[number]
/** `deliver`: the pipeline is through and only messages are still going out; `settled`: nothing is left to run. */
export type SessionPhase = ChaosPhase | 'deliver' | 'settled'

export interface Kill {
  readonly phase: ChaosPhase
  /** Seconds since the session started. */
  readonly seconds: number
  readonly pid: number
  /** Types of the jobs the worker held when it was killed (none: it was between jobs). */
  readonly jobs: readonly string[]
}

/** The session's phase, and how far a long one (sync, push, verify) has got, 0 to 1. */
export interface SessionState {
  readonly phase: SessionPhase
  readonly progress?: number
}

/** `fleetSize`: the SIMs at the carrier, which a sync stores a device and a reading for. */
export async function sessionState(db: Db, sessionId: string, fleetSize: number): Promise<SessionState> {
  const session = await db.selectFrom('sessions').select('status').where('id', '=', sessionId).executeTakeFirstOrThrow()
  const rows = async (table: 'devices' | 'usage_readings') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  if (session.status === 'pending' || session.status === 'syncing') return { phase: 'sync', progress: ((await rows('devices')) + (await rows('usage_readings'))) / (2 * fleetSize) }
  if (session.status === 'optimizing') return { phase: 'optimize' }
  if (session.status === 'finalizing') return { phase: 'report' }
  const changes = await db
    .selectFrom('changes')
    .innerJoin('instances', 'instances.id', 'changes.instance_id')
    .select(['changes.status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('instances.session_id', '=', sessionId)
    .groupBy('changes.status')
    .execute()
  const count = (...statuses: string[]) => changes.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + Number(row.n), 0)
  const total = count('planned', 'approved', 'pushing', 'pushed', 'verified', 'discrepancy', 'failed')
  const ended = count('verified', 'discrepancy', 'failed')
  if (session.status === 'done' && count('planned', 'approved', 'pushing') > 0) return { phase: 'push', progress: (count('pushed') + ended) / total }
  if (session.status === 'done' && count('pushed') > 0) return { phase: 'verify', progress: ended / total }
  const waiting = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['queued', 'active']).executeTakeFirstOrThrow()
  const pending = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()
  return { phase: Number(waiting.n) + Number(pending.n) > 0 ? 'deliver' : 'settled' }
}

export interface KillPlanOptions {
  readonly kills: number
  readonly random: Random
}

/** Short stages (optimize, report) last seconds: their kills come after random waits up to this, ms. */
const SHORT_STAGE_WAIT_MS = 1500
const MIN_WAIT_MS = 200
/** Between two kills at least this long: a replacement is given a moment to start and take work. */
const MIN_GAP_MS = 1000
/** A long stage's kills land between these shares of its progress. */
const EARLIEST = 0.05
const LATEST = 0.95

export class KillPlan {
  readonly kills: Kill[] = []
  readonly #quota: Map<ChaosPhase, number>
  readonly #options: KillPlanOptions
  #carried = 0
  #phase: SessionPhase | undefined
  /** The current stage's kill moments, ascending: shares of its progress; in a short stage, epoch ms. */
  #due: number[] = []
  #byProgress = false
  #quietUntil = 0

  constructor(options: KillPlanOptions) {
    this.#options = options
    this.#quota = new Map(CHAOS_PHASES.map((phase) => [phase, 0]))
    for (let i = 0; i < options.kills; i++) {
      const phase = CHAOS_PHASES[Math.floor((i * CHAOS_PHASES.length) / options.kills)]!
      this.#quota.set(phase, this.#quota.get(phase)! + 1)
    }
  }

  /** Kills still to make. */
  get left(): number {
    return this.#options.kills - this.kills.length
  }

  /** Called every poll with the session's state; kills a worker when one is due. */
  async tick(state: SessionState, seconds: number, pool: WorkerPool, db: Db): Promise<Kill | undefined> {
    const { phase } = state
    if (phase !== this.#phase) this.#enter(state)
    if (this.#due.length === 0 || Date.now() < this.#quietUntil) return undefined
    const reached = this.#byProgress ? (state.progress ?? 0) >= this.#due[0]! : Date.now() >= this.#due[0]!
    if (!reached) return undefined
    this.#due.shift()
    const pids = pool.pids
    const pid = pids[Math.floor(this.#options.random.next() * pids.length)]!
    const held = await db.selectFrom('jobs').select('type').where('status', '=', 'active').where('locked_by', 'like', `%/${pid}/%`).execute()
    await pool.kill(pid)
    const kill: Kill = { phase: phase as ChaosPhase, seconds, pid, jobs: held.map((row) => row.type).sort() }
    this.kills.push(kill)
    this.#quietUntil = Date.now() + MIN_GAP_MS
    // In a short stage each wait runs from the previous kill's end: a kill takes a moment (the process must
    // be gone and its replacement started), and the next one must not follow it at once.
    if (!this.#byProgress) {
      let at = Date.now()
      this.#due = this.#due.map(() => (at += this.#shortWait()))
    }
    return kill
  }

  #enter({ phase, progress }: SessionState): void {
    // Kills a stage had no time for (it ended, or went by between two polls) go to the next one.
    this.#carried += this.#due.length
    this.#due = []
    this.#phase = phase
    const reached = CHAOS_PHASES.indexOf(phase as ChaosPhase)
    for (const earlier of CHAOS_PHASES.slice(0, reached < 0 ? CHAOS_PHASES.length : reached + 1)) {
      this.#carried += this.#quota.get(earlier)!
      this.#quota.set(earlier, 0)
    }
    if (reached < 0) return
    const kills = this.#carried
    this.#carried = 0
    const random = () => this.#options.random.next()
    this.#byProgress = progress !== undefined
    if (this.#byProgress) {
      const from = Math.max(EARLIEST, progress!)
      this.#due = Array.from({ length: kills }, () => from + random() * (LATEST - from)).sort((a, b) => a - b)
    } else {
      let at = Date.now()
      this.#due = Array.from({ length: kills }, () => (at += this.#shortWait()))
    }
  }

  #shortWait(): number {
    return MIN_WAIT_MS + this.#options.random.next() * (SHORT_STAGE_WAIT_MS - MIN_WAIT_MS)
  }
}
