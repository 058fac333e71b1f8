/**
 * Where a chaos session is in its life, read from the database as an operator would see it, and the plan
 * of SIGKILLs spread over that life: the kills are shared out over sync, optimize, report, push and
 * verify; each lands on a random worker after a random wait, and kills a stage ended too soon for are
 * carried into the next stage. Each kill records the jobs the killed worker held at that moment.
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

export async function sessionPhase(db: Db, sessionId: string): Promise<SessionPhase> {
  const session = await db.selectFrom('sessions').select('status').where('id', '=', sessionId).executeTakeFirstOrThrow()
  if (session.status === 'pending' || session.status === 'syncing') return 'sync'
  if (session.status === 'optimizing') return 'optimize'
  if (session.status === 'finalizing') return 'report'
  const changes = await db
    .selectFrom('changes')
    .innerJoin('instances', 'instances.id', 'changes.instance_id')
    .select(['changes.status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('instances.session_id', '=', sessionId)
    .groupBy('changes.status')
    .execute()
  const count = (...statuses: string[]) => changes.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + Number(row.n), 0)
  if (session.status === 'done' && count('planned', 'approved', 'pushing') > 0) return 'push'
  if (session.status === 'done' && count('pushed') > 0) return 'verify'
  const waiting = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['queued', 'active']).executeTakeFirstOrThrow()
  const pending = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow()
  return Number(waiting.n) + Number(pending.n) > 0 ? 'deliver' : 'settled'
}

export interface KillPlanOptions {
  readonly kills: number
  readonly random: Random
  /** The longest random wait before a kill in a long stage (sync, push, verify), ms. */
  readonly maxWaitMs: number
}

/** Short stages (optimize, report) last seconds: the waits there are short too, or no kill would land. */
const SHORT_STAGE_WAIT_MS = 1500
const MIN_WAIT_MS = 200

export class KillPlan {
  readonly kills: Kill[] = []
  readonly #quota: Map<ChaosPhase, number>
  readonly #options: KillPlanOptions
  #carried = 0
  #phase: SessionPhase | undefined
  #nextAt = Infinity

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

  /** Called every poll with the session's phase; kills a worker when one is due. */
  async tick(phase: SessionPhase, seconds: number, pool: WorkerPool, db: Db): Promise<Kill | undefined> {
    const now = Date.now()
    if (phase !== this.#phase) {
      this.#phase = phase
      // A stage that ended (or went by between two polls) hands its kills on.
      const reached = CHAOS_PHASES.indexOf(phase as ChaosPhase)
      for (const earlier of CHAOS_PHASES.slice(0, reached < 0 ? CHAOS_PHASES.length : reached)) {
        this.#carried += this.#quota.get(earlier)!
        this.#quota.set(earlier, 0)
      }
      this.#nextAt = now + this.#wait(phase)
    }
    if (!(CHAOS_PHASES as readonly string[]).includes(phase)) return undefined
    const stage = phase as ChaosPhase
    if (this.#quota.get(stage)! + this.#carried === 0 || now < this.#nextAt) return undefined
    if (this.#quota.get(stage)! > 0) this.#quota.set(stage, this.#quota.get(stage)! - 1)
    else this.#carried--
    const pids = pool.pids
    const pid = pids[Math.floor(this.#options.random.next() * pids.length)]!
    const held = await db
      .selectFrom('jobs')
      .select('type')
      .where('status', '=', 'active')
      .where('locked_by', 'like', `%/${pid}/%`)
      .execute()
    await pool.kill(pid)
    const kill: Kill = { phase: stage, seconds, pid, jobs: held.map((row) => row.type).sort() }
    this.kills.push(kill)
    this.#nextAt = Date.now() + this.#wait(stage)
    return kill
  }

  #wait(phase: SessionPhase): number {
    const longest = phase === 'optimize' || phase === 'report' ? SHORT_STAGE_WAIT_MS : this.#options.maxWaitMs
    return MIN_WAIT_MS + this.#options.random.next() * Math.max(0, longest - MIN_WAIT_MS)
  }
}
