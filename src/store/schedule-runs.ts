/**
 * The schedule's record (`schedule_runs`): per provider and slot, the session a tick started, or why the
 * slot was skipped so far. The row is also the claim that lets one of several ticking processes start a
 * run (`jobs/schedule-tick.ts`).
 */
import type { Db } from './database.js'

/** A run as the schedule names it: the provider, its slot and the billing period the slot is in. */
export interface RunSlot {
  readonly providerId: string
  readonly slot: string
  readonly period: string
}

/**
 * Takes the slot for a start at `now`: inserts it `started` without a session, or takes over a skipped one
 * or a claim older than `staleMs` (its process died before the session started).
 * @returns false when another tick has it (started, or starting right now).
 */
export async function claimRun(db: Db, run: RunSlot, now: number, staleMs: number): Promise<boolean> {
  const result = await db
    .insertInto('schedule_runs')
    .values({ provider_id: run.providerId, slot: run.slot, period: run.period, outcome: 'started', reason: null, session_id: null, updated_at: now })
    // An earlier skip of the slot keeps its reason and count: they say why the run came late.
    .onConflict((conflict) =>
      conflict
        .columns(['provider_id', 'slot'])
        .doUpdateSet({ outcome: 'started', session_id: null, updated_at: now })
        .where((eb) => eb.or([eb('schedule_runs.outcome', '=', 'skipped'), eb.and([eb('schedule_runs.session_id', 'is', null), eb('schedule_runs.updated_at', '<', now - staleMs)])])),
    )
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0
}

/** The claimed slot's session. */
export async function recordStarted(db: Db, run: RunSlot, sessionId: string): Promise<void> {
  await slotRow(db, run).set({ outcome: 'started', session_id: sessionId, updated_at: Date.now() }).execute()
}

/** The claimed slot's start failed: it becomes a skip with the reason, tried again at the next tick. */
export async function releaseClaim(db: Db, run: RunSlot, reason: string): Promise<void> {
  await slotRow(db, run)
    .set((eb) => ({ outcome: 'skipped', reason, skips: eb('schedule_runs.skips', '+', 1), updated_at: Date.now() }))
    .where('session_id', 'is', null)
    .execute()
}

/** A tick skipped the slot: counted, with the latest reason, unless the slot has started meanwhile. */
export async function recordSkip(db: Db, run: RunSlot, reason: string): Promise<void> {
  const now = Date.now()
  await db
    .insertInto('schedule_runs')
    .values({ provider_id: run.providerId, slot: run.slot, period: run.period, outcome: 'skipped', reason, session_id: null, skips: 1, updated_at: now })
    .onConflict((conflict) =>
      conflict
        .columns(['provider_id', 'slot'])
        .doUpdateSet((eb) => ({ reason, skips: eb('schedule_runs.skips', '+', 1), updated_at: now }))
        .where('schedule_runs.outcome', '=', 'skipped'),
    )
    .execute()
}

export interface ScheduleRecord {
  readonly tenant: string
  readonly provider: string
  readonly slot: string
  readonly period: string
  readonly outcome: 'started' | 'skipped'
  readonly reason: string | null
  readonly sessionId: string | null
  readonly skips: number
  /** Epoch ms of the latest change. */
  readonly updatedAt: number
}

/** The latest records, newest first, of every tenant or one (by name). */
export async function scheduleHistory(db: Db, filter: { tenant?: string; limit: number }): Promise<ScheduleRecord[]> {
  let query = db
    .selectFrom('schedule_runs')
    .innerJoin('service_providers', 'service_providers.id', 'schedule_runs.provider_id')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .select(['tenants.name as tenant', 'service_providers.name as provider', 'schedule_runs.slot', 'schedule_runs.period', 'schedule_runs.outcome', 'schedule_runs.reason'])
    .select(['schedule_runs.session_id as sessionId', 'schedule_runs.skips', 'schedule_runs.updated_at as updatedAt'])
    .orderBy('schedule_runs.updated_at', 'desc')
    .limit(filter.limit)
  if (filter.tenant !== undefined) query = query.where('tenants.name', '=', filter.tenant)
  return query.execute()
}

const slotRow = (db: Db, run: RunSlot) => db.updateTable('schedule_runs').where('provider_id', '=', run.providerId).where('slot', '=', run.slot)
