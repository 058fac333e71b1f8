/**
 * `simopt schedule [--dry-run] [--at TIME] [--tenant T]`: one tick of the schedule (`domain/schedule.ts`):
 * which providers' sessions start now, which are skipped and why, which ran already today and which wait.
 * Without `--dry-run` it starts the due sessions (trigger `schedule`) and records, per provider and day, the
 * session started or why the day was skipped (`schedule_runs`; `--history` lists them), so a system cron
 * running it every few minutes is a scheduler until the built-in one comes. It also queues the daily cleanup
 * job when none is waiting.
 */
import { Command } from 'commander'
import { z } from 'zod'
import { scheduleAt, SimoptError, type ScheduleDecision, type ScheduledProvider, type ScheduleQuestion } from '../domain/index.js'
import { startSession } from '../jobs/sessions.js'
import { ensureDailyCleanup } from '../jobs/stages/cleanup.js'
import type { Store } from '../store/database.js'
import { FINISHED_STATUSES } from '../store/transitions.js'
import { parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

/** Sessions older than this cannot belong to a billing day still being scheduled (a day lasts at most 25 hours). */
const LOOKBACK_MS = 3 * 86_400_000

const atOption = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, { error: (issue) => `must be an ISO time with its offset such as 2026-11-25T09:00:00Z, got ${JSON.stringify(issue.input)}` })
  .transform((text) => Date.parse(text))
  .pipe(z.number().refine((at) => Number.isFinite(at), { error: 'is not a valid time' }))

/** The one provider setting the schedule reads; the rest of the settings are `provider-settings.ts`'s. */
const scheduleSettings = z.object({ scheduleStartHour: z.number().int().min(0).max(23).optional() })

export function scheduleCommand(): Command {
  return new Command('schedule')
    .description('start the scheduled sessions due now; --dry-run only says what would start and what would be skipped, and why')
    .option('--dry-run', 'start nothing')
    .option('--at <time>', 'the tick’s time, ISO 8601 with offset (with --dry-run; default now)')
    .option('--tenant <name>', 'only this tenant’s providers')
    .option('--history', 'instead: what the schedule did on the latest days, per provider (started, or skipped and why)')
    .option('--limit <n>', 'how many days --history lists', '50')
    .action(async (options: { dryRun?: boolean; at?: string; tenant?: string; history?: boolean; limit: string }) => {
      const at = options.at === undefined ? Date.now() : parseOption('--at', options.at, atOption)
      if (options.at !== undefined && options.dryRun !== true) throw new SimoptError('INPUT_INVALID', 'option --at: only with --dry-run (sessions start now or not at all)')
      const limit = parseOption('--limit', options.limit, wholeNumberOption(1, 100_000))
      await withService(async (service) => {
        if (options.history === true) return void process.stdout.write(await history(service.store, limit, options.tenant))
        const dryRun = options.dryRun === true
        const decisions = scheduleAt(await scheduleQuestion(service.store, at, service.config.scheduleDays, options.tenant))
        process.stdout.write(`${dryRun ? 'dry run' : 'schedule'} at ${new Date(at).toISOString()}, the last ${service.config.scheduleDays} days of each period${dryRun ? '; nothing is started' : ''}\n`)
        if (decisions.length === 0) process.stdout.write('  no service providers\n')
        // The schedule keeps the daily jobs going too: the cleanup chain restarts here if it ever stopped.
        if (!dryRun) await service.queue().publish(await ensureDailyCleanup(service.store.db))
        for (const decision of decisions) {
          if (dryRun || (decision.kind !== 'start' && decision.kind !== 'skip')) {
            process.stdout.write(`${decisionLine(decision)}\n`)
            continue
          }
          if (decision.kind === 'skip') {
            await recordSkip(service.store, decision, decision.reason)
            process.stdout.write(`${decisionLine(decision)}\n`)
            continue
          }
          try {
            const id = await startSession(service.store, service.queue(), service.config, { tenant: decision.provider.tenant, provider: decision.provider.name, period: decision.period, trigger: 'schedule' })
            await recordStart(service.store, decision, id)
            process.stdout.write(`  started ${who(decision)}  period ${decision.period}, day ${decision.day}: session ${id}\n`)
          } catch (error) {
            // Refused (a session started meanwhile elsewhere, say): a skip like the others, tried at the next tick.
            if (!(error instanceof SimoptError) || error.code !== 'INPUT_INVALID') throw error
            await recordSkip(service.store, decision, error.message)
            process.stdout.write(`  skip    ${who(decision)}  period ${decision.period}, day ${decision.day}: ${error.message}\n`)
          }
        }
      })
    })
}

async function recordStart(store: Store, decision: ScheduleDecision, sessionId: string): Promise<void> {
  const now = Date.now()
  await store.db
    .insertInto('schedule_runs')
    .values({ provider_id: decision.provider.id, day: decision.day, period: decision.period, outcome: 'started', reason: null, session_id: sessionId, updated_at: now })
    // An earlier skip of the day keeps its reason and count: they say why the run came late.
    .onConflict((conflict) => conflict.columns(['provider_id', 'day']).doUpdateSet({ outcome: 'started', session_id: sessionId, updated_at: now }))
    .execute()
}

async function recordSkip(store: Store, decision: ScheduleDecision, reason: string): Promise<void> {
  const now = Date.now()
  await store.db
    .insertInto('schedule_runs')
    .values({ provider_id: decision.provider.id, day: decision.day, period: decision.period, outcome: 'skipped', reason, session_id: null, skips: 1, updated_at: now })
    .onConflict((conflict) =>
      conflict
        .columns(['provider_id', 'day'])
        .doUpdateSet((eb) => ({ reason, skips: eb('schedule_runs.skips', '+', 1), updated_at: now }))
        .where('schedule_runs.outcome', '=', 'skipped'),
    )
    .execute()
}

async function history(store: Store, limit: number, tenant: string | undefined): Promise<string> {
  let query = store.db
    .selectFrom('schedule_runs')
    .innerJoin('service_providers', 'service_providers.id', 'schedule_runs.provider_id')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .select(['tenants.name as tenant', 'service_providers.name as provider', 'schedule_runs.day', 'schedule_runs.period', 'schedule_runs.outcome', 'schedule_runs.reason', 'schedule_runs.session_id', 'schedule_runs.skips'])
    .orderBy('schedule_runs.updated_at', 'desc')
    .limit(limit)
  if (tenant !== undefined) query = query.where('tenants.name', '=', tenant)
  const rows = await query.execute()
  if (rows.length === 0) return 'the schedule has not run yet\n'
  const lines = rows.map((row) => {
    const skipped = row.skips === 0 ? '' : ` after ${row.skips} skipped tick${row.skips === 1 ? '' : 's'} (last: ${row.reason ?? '?'})`
    const what = row.outcome === 'started' ? `started session ${row.session_id ?? '?'}${skipped}` : `skipped ${row.skips} time${row.skips === 1 ? '' : 's'}: ${row.reason ?? '?'}`
    return `  ${row.day}  ${row.tenant} / ${row.provider}  period ${row.period}: ${what}`
  })
  return `${lines.join('\n')}\n`
}

export function decisionLine(decision: ScheduleDecision): string {
  const where = `${who(decision)}  period ${decision.period}, day ${decision.day}`
  const zone = decision.provider.cycle.timeZone
  switch (decision.kind) {
    case 'start':
      return `  start   ${where} (due since ${new Date(decision.dueAt).toISOString()}, ${zone})`
    case 'skip':
      return `  skip    ${where}: ${decision.reason}`
    case 'ran':
      return `  ran     ${where}: session ${decision.sessionId}`
    case 'waiting':
      return `  waiting ${where}: due at ${new Date(decision.dueAt).toISOString()} (${zone})`
  }
}

const who = (decision: ScheduleDecision): string => `${decision.provider.tenant} / ${decision.provider.name}`

/** What the schedule needs from the database at `at`: every provider (or a tenant's), and the sessions that matter. */
export async function scheduleQuestion(store: Store, at: number, days: number, tenant?: string): Promise<ScheduleQuestion> {
  let query = store.db
    .selectFrom('service_providers')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .select(['service_providers.id', 'service_providers.name', 'service_providers.tenant_id', 'tenants.name as tenant', 'service_providers.time_zone', 'service_providers.cycle_end_day', 'service_providers.cycle_end_hour', 'service_providers.settings'])
    .orderBy('tenants.name')
    .orderBy('service_providers.name')
  if (tenant !== undefined) query = query.where('tenants.name', '=', tenant)
  const rows = await query.execute()
  if (tenant !== undefined && rows.length === 0) throw new SimoptError('INPUT_INVALID', `tenant ${JSON.stringify(tenant)} does not exist or has no service providers`)
  const providers = rows.map((row): ScheduledProvider => {
    const settings = scheduleSettings.safeParse(JSON.parse(row.settings))
    if (!settings.success) throw new SimoptError('INPUT_INVALID', `settings of provider ${row.name}: scheduleStartHour: ${settings.error.issues[0]?.message ?? 'is not valid'}`)
    const cycle = { timeZone: row.time_zone, cycleEndDay: row.cycle_end_day, cycleEndHour: row.cycle_end_hour }
    return { id: row.id, name: row.name, tenantId: row.tenant_id, tenant: row.tenant, cycle, ...(settings.data.scheduleStartHour === undefined ? {} : { startHour: settings.data.scheduleStartHour }) }
  })
  const sessions = await store.db
    .selectFrom('sessions')
    .select(['id', 'tenant_id', 'provider_id', 'created_at', 'status'])
    .where('created_at', '<=', at)
    .where((eb) => eb.or([eb('created_at', '>', at - LOOKBACK_MS), eb('status', 'not in', FINISHED_STATUSES)]))
    .execute()
  return {
    at,
    days,
    providers,
    sessions: sessions.map((s) => ({ id: s.id, tenantId: s.tenant_id, providerId: s.provider_id, createdAt: s.created_at, running: !FINISHED_STATUSES.includes(s.status as (typeof FINISHED_STATUSES)[number]) })),
  }
}
