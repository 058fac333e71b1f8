/**
 * The schedule of sessions: one tick of it (`jobs/schedule-tick.ts`; a dry run starts nothing and may ask
 * about any moment), what it decides for a tenant's providers, and what it recorded lately.
 */
import type { ScheduleDecision } from '../domain/index.js'
import { scheduleTick, type InvalidProvider, type TickOutcome } from '../jobs/schedule-tick.js'
import { hasProviders, scheduleHistory as storedHistory, type ScheduleRecord } from '../store/index.js'
import type { ServiceContext } from './context.js'
import { visibleTenant, type Viewer } from './tenant-access.js'

/** Runs one tick now, or (dry run) says what one would do at `at`; every tenant's providers, or one tenant's. */
export async function runScheduleTick(ctx: ServiceContext, input: { readonly dryRun: boolean; readonly at?: number | undefined; readonly tenant?: string | undefined }): Promise<TickOutcome[]> {
  return scheduleTick({ store: ctx.store, queue: ctx.queue(), config: ctx.config }, { at: input.at, dryRun: input.dryRun, tenant: input.tenant })
}

/** The latest records, newest first, of every tenant or one. */
export async function scheduleHistory(ctx: ServiceContext, input: { readonly tenant?: string | undefined; readonly limit: number }): Promise<ScheduleRecord[]> {
  return storedHistory(ctx.store.db, input)
}

export interface TenantSchedule {
  /** The moment asked about, epoch ms. */
  readonly at: number
  /** Scheduled days at the end of each period (SIMOPT_SCHEDULE_DAYS). */
  readonly days: number
  /** When the built-in scheduler ticks (SIMOPT_SCHEDULE_CRON); null: off. */
  readonly cron: string | null
  readonly decisions: readonly ScheduleDecision[]
  readonly invalid: readonly InvalidProvider[]
  readonly history: readonly ScheduleRecord[]
}

/**
 * What the schedule decides for the tenant's providers at `at` (nothing is started), and its latest records.
 * @throws SimoptError `TENANT_NOT_FOUND`.
 */
export async function showSchedule(ctx: ServiceContext, input: { readonly tenant: string; readonly at: number; readonly limit: number }, viewer?: Viewer): Promise<TenantSchedule> {
  const tenant = await visibleTenant(ctx.store.db, viewer, input.tenant)
  const outcomes = (await hasProviders(ctx.store.db, tenant.id)) ? await runScheduleTick(ctx, { at: input.at, dryRun: true, tenant: tenant.name }) : []
  return {
    at: input.at,
    days: ctx.config.scheduleDays,
    cron: ctx.config.scheduleCron ?? null,
    decisions: outcomes.flatMap((outcome) => (outcome.kind === 'invalid' ? [] : [outcome.decision])),
    invalid: outcomes.flatMap((outcome) => (outcome.kind === 'invalid' ? [outcome.provider] : [])),
    history: await storedHistory(ctx.store.db, { tenant: tenant.name, limit: input.limit }),
  }
}
