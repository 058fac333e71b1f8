/**
 * One tick of the schedule (`domain/schedule.ts`): what the database says, what the schedule decides, and,
 * unless it is a dry run, the sessions it starts and the skips it records in `schedule_runs`. The built-in
 * scheduler (`scheduler.ts`) calls it on its cron; `simopt schedule` calls it once.
 *
 * Several processes may tick at once (every `serve` and `worker` runs a scheduler): a run is claimed in
 * `schedule_runs` (provider, slot) before its session starts, so of two ticks deciding the same start only
 * one starts it, and the other says so. A claim whose process died before the session started is taken
 * over after `STALE_CLAIM_MS`.
 */
import type { Config } from '../config.js'
import { billingPeriodAt, scheduleAt, SimoptError, type ScheduleDecision, type ScheduledProvider, type ScheduleQuestion } from '../domain/index.js'
import { parseTenantSettings } from '../notify/tenant-settings.js'
import {
  claimRun,
  isFinished,
  parseProviderSettings,
  recordSkip,
  recordStarted,
  releaseClaim,
  scheduledProviders,
  sessionStartedSince,
  sessionsForSchedule,
  type Db,
  type RunSlot,
  type Store,
} from '../store/index.js'
import type { JobQueue } from './job.js'
import { startSession } from './sessions.js'
import { ensureDailyCleanup } from './stages/cleanup.js'

/** Sessions older than this cannot belong to a billing day still being scheduled (a day lasts at most 25 hours). */
const LOOKBACK_MS = 3 * 86_400_000
/** A claim without its session after this long was left by a process that died mid-start. */
export const STALE_CLAIM_MS = 10 * 60_000

export interface TickDeps {
  readonly store: Store
  readonly queue: JobQueue
  readonly config: Config
}

export interface TickOptions {
  /** The tick's instant; default now. Only a dry run may look at another time. */
  readonly at?: number
  /** Only this tenant's providers. */
  readonly tenant?: string
  readonly dryRun?: boolean
}

/** What the tick did about one provider: its decision, and for a start what came of it. */
export type TickOutcome =
  | { readonly kind: 'decided'; readonly decision: ScheduleDecision }
  | { readonly kind: 'started'; readonly decision: ScheduleDecision; readonly sessionId: string }
  | { readonly kind: 'skipped'; readonly decision: ScheduleDecision; readonly reason: string }
  | { readonly kind: 'claimed-elsewhere'; readonly decision: ScheduleDecision }
  | { readonly kind: 'invalid'; readonly provider: InvalidProvider }

/** A provider whose stored settings (or its tenant's) cannot be scheduled: it is reported, the others run. */
export interface InvalidProvider {
  readonly tenant: string
  readonly name: string
  readonly reason: string
}

export async function scheduleTick(deps: TickDeps, options: TickOptions = {}): Promise<TickOutcome[]> {
  const { store, queue, config } = deps
  const dryRun = options.dryRun === true
  if (options.at !== undefined && !dryRun) throw new SimoptError('INPUT_INVALID', 'a tick at another time than now can only be a dry run')
  const at = options.at ?? Date.now()
  const { question, invalid } = await scheduleQuestion(store.db, at, config.scheduleDays, options.tenant)
  const decisions = scheduleAt(question)
  const outcomes: TickOutcome[] = invalid.map((provider) => ({ kind: 'invalid', provider }))
  if (dryRun) return [...outcomes, ...decisions.map((decision): TickOutcome => ({ kind: 'decided', decision }))]
  for (const decision of decisions) {
    if (decision.kind === 'skip') {
      await recordSkip(store.db, slotOf(decision), decision.reason)
      outcomes.push({ kind: 'skipped', decision, reason: decision.reason })
    } else if (decision.kind === 'start') {
      outcomes.push(await start(deps, decision))
    } else {
      outcomes.push({ kind: 'decided', decision })
    }
  }
  // The schedule keeps the daily jobs going too: the cleanup chain restarts here if it ever stopped.
  await queue.publish(await ensureDailyCleanup(store.db))
  return outcomes
}

async function start(deps: TickDeps, decision: ScheduleDecision): Promise<TickOutcome> {
  const { store, queue, config } = deps
  const run = slotOf(decision)
  const claimedAt = Date.now()
  if (!(await claimRun(store.db, run, claimedAt, STALE_CLAIM_MS))) return { kind: 'claimed-elsewhere', decision }
  let sessionId: string
  try {
    // The tick saw no session running: a refusal is a race with a start by hand, not news for the tenant.
    const request = { tenant: decision.provider.tenant, provider: decision.provider.name, period: decision.period, trigger: 'schedule', notifyRefusal: false } as const
    sessionId = await startSession(store, queue, config, request)
  } catch (error) {
    // The session may exist even so (committed, then its first job not published): then the run is started.
    const created = await sessionStartedSince(store.db, decision.provider.id, 'schedule', claimedAt)
    if (created === undefined) {
      // Refused (a session started meanwhile by hand, say) or failed: tried again at the next tick.
      const reason = error instanceof SimoptError ? error.message : `could not start: ${error instanceof Error ? error.message : String(error)}`
      await releaseClaim(store.db, run, reason)
      return { kind: 'skipped', decision, reason }
    }
    sessionId = created
  }
  await recordStarted(store.db, run, sessionId)
  return { kind: 'started', decision, sessionId }
}

const slotOf = (decision: ScheduleDecision): RunSlot => ({ providerId: decision.provider.id, slot: decision.slot, period: decision.period })

/**
 * What the schedule needs from the database at `at`: every provider (or a tenant's), and the sessions that
 * matter; providers whose settings cannot be read are set apart, so one bad row does not stop the others.
 */
async function scheduleQuestion(db: Db, at: number, days: number, tenant?: string): Promise<{ question: ScheduleQuestion; invalid: InvalidProvider[] }> {
  const rows = await scheduledProviders(db, tenant)
  if (tenant !== undefined && rows.length === 0) throw new SimoptError('TENANT_NOT_FOUND', `tenant ${JSON.stringify(tenant)} does not exist or has no service providers`)
  const providers: ScheduledProvider[] = []
  const invalid: InvalidProvider[] = []
  for (const row of rows) {
    try {
      const { scheduleStartHour } = parseProviderSettings(row.settings, row.name)
      const { continuousLastDay } = parseTenantSettings(row.tenantSettings, row.tenant)
      const cycle = { timeZone: row.timeZone, cycleEndDay: row.cycleEndDay, cycleEndHour: row.cycleEndHour }
      billingPeriodAt(at, cycle) // checks the cycle
      providers.push({ id: row.id, name: row.name, tenantId: row.tenantId, tenant: row.tenant, cycle, continuousLastDay, ...(scheduleStartHour === undefined ? {} : { startHour: scheduleStartHour }) })
    } catch (error) {
      if (!(error instanceof SimoptError)) throw error
      invalid.push({ tenant: row.tenant, name: row.name, reason: error.message })
    }
  }
  const sessions = await sessionsForSchedule(db, at, LOOKBACK_MS)
  const seen = sessions.map((s) => ({ id: s.id, tenantId: s.tenantId, providerId: s.providerId, createdAt: s.createdAt, running: !isFinished(s.status) }))
  return { question: { at, days, providers, sessions: seen }, invalid }
}
