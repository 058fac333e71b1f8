/**
 * `simopt schedule [--dry-run] [--at TIME] [--tenant T]`: one tick of the schedule (`jobs/schedule-tick.ts`),
 * as the built-in scheduler runs it on `SIMOPT_SCHEDULE_CRON`: which providers' sessions start now, which
 * are skipped and why, which ran already and which wait. `--dry-run --at` asks about any moment;
 * `--history` lists what the schedule recorded (`schedule_runs`).
 */
import { Command } from 'commander'
import { z } from 'zod'
import { SimoptError, quoteInput, type ScheduleDecision } from '../domain/index.js'
import type { TickOutcome } from '../jobs/schedule-tick.js'
import type { ServiceContext } from '../services/context.js'
import { runScheduleTick, scheduleHistory } from '../services/schedules.service.js'
import { nameArgument, parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

const atOption = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, { error: (issue) => `must be an ISO time with its offset such as 2026-11-25T09:00:00Z, got ${quoteInput(issue.input)}` })
  .transform((text) => Date.parse(text))
  .pipe(z.number().refine((at) => Number.isFinite(at), { error: 'is not a valid time' }))

export function scheduleCommand(): Command {
  return new Command('schedule')
    .description('start the scheduled sessions due now (as the built-in scheduler does on SIMOPT_SCHEDULE_CRON); --dry-run only says what would start and what would be skipped, and why')
    .option('--dry-run', 'start nothing')
    .option('--at <time>', 'the tick’s time, ISO 8601 with offset (with --dry-run; default now)')
    .option('--tenant <name>', 'only this tenant’s providers', nameArgument('--tenant'))
    .option('--history', 'instead: what the schedule did lately, per provider and day (started, or skipped and why)')
    .option('--limit <n>', 'how many runs --history lists', '50')
    .action(async (options: { dryRun?: boolean; at?: string; tenant?: string; history?: boolean; limit: string }) => {
      const at = options.at === undefined ? undefined : parseOption('--at', options.at, atOption)
      if (options.at !== undefined && options.dryRun !== true) throw new SimoptError('INPUT_INVALID', 'option --at: only with --dry-run (sessions start now or not at all)')
      const limit = parseOption('--limit', options.limit, wholeNumberOption(1, 100_000))
      await withService(async (service) => {
        if (options.history === true) return void process.stdout.write(await history(service, limit, options.tenant))
        const dryRun = options.dryRun === true
        const tickAt = at ?? Date.now()
        const outcomes = await runScheduleTick(service, { at: dryRun ? tickAt : undefined, dryRun, tenant: options.tenant })
        process.stdout.write(`${dryRun ? 'dry run' : 'schedule'} at ${new Date(tickAt).toISOString()}, the last ${service.config.scheduleDays} days of each period${dryRun ? '; nothing is started' : ''}\n`)
        if (outcomes.length === 0) process.stdout.write('  no service providers\n')
        for (const outcome of outcomes) process.stdout.write(`${outcomeLine(outcome)}\n`)
        const invalid = outcomes.flatMap((outcome) => (outcome.kind === 'invalid' ? [outcome.provider] : []))
        if (invalid.length > 0) {
          // The others were scheduled; the exit status says that these were not.
          throw new SimoptError('INPUT_INVALID', `cannot schedule ${invalid.map((p) => `${p.tenant} / ${p.name}: ${p.reason}`).join('; ')}`)
        }
      })
    })
}

async function history(ctx: ServiceContext, limit: number, tenant: string | undefined): Promise<string> {
  const records = await scheduleHistory(ctx, { tenant, limit })
  if (records.length === 0) return 'the schedule has not run yet\n'
  const lines = records.map((record) => {
    const skipped = record.skips === 0 ? '' : ` after ${record.skips} skipped tick${record.skips === 1 ? '' : 's'} (last: ${record.reason ?? '?'})`
    const what = record.outcome === 'started' ? `started session ${record.sessionId ?? '?'}${skipped}` : `skipped ${record.skips} time${record.skips === 1 ? '' : 's'}: ${record.reason ?? '?'}`
    return `  ${record.slot}  ${record.tenant} / ${record.provider}  period ${record.period}: ${what}`
  })
  return `${lines.join('\n')}\n`
}

/** One line per provider: what the tick decided and, when it started a session, what came of it. */
export function outcomeLine(outcome: TickOutcome): string {
  if (outcome.kind === 'invalid') return `  invalid ${outcome.provider.tenant} / ${outcome.provider.name}: ${outcome.provider.reason}`
  const { decision } = outcome
  const where = `${who(decision)}  period ${decision.period}, ${decision.slot === decision.day ? `day ${decision.day}` : `last day, hour ${decision.slot}`}`
  const zone = decision.provider.cycle.timeZone
  switch (outcome.kind) {
    case 'started':
      return `  started ${where}: session ${outcome.sessionId}`
    case 'skipped':
      return `  skip    ${where}: ${outcome.reason}`
    case 'claimed-elsewhere':
      return `  ran     ${where}: started by another process's tick`
    case 'decided':
      break
  }
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
