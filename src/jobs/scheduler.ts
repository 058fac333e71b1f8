/**
 * The built-in scheduler: a croner timer that ticks the schedule (`schedule-tick.ts`) on
 * `SIMOPT_SCHEDULE_CRON` (every 5 minutes by default, in UTC: the schedule itself reasons in each
 * provider's billing time zone). Every `serve` and `worker` runs one; their ticks may overlap, and the
 * tick's claims make sure each run starts once. A tick still running when the next is due drops that one
 * (croner's overrun protection), and a tick that fails is logged and tried again at the next.
 */
import { Cron } from 'croner'
import { CRON_MODE } from '../config.js'
import type { Logger } from '../logger.js'
import { scheduleTick, type TickDeps } from './schedule-tick.js'

export interface Scheduler {
  /** Stops ticking; resolves when a tick in progress has finished. */
  stop(): Promise<void>
}

/** Starts ticking on the configured pattern; with `SIMOPT_SCHEDULE_CRON=off`, a scheduler that never ticks. */
export function startScheduler(deps: TickDeps, log: Logger): Scheduler {
  const pattern = deps.config.scheduleCron
  if (pattern === undefined) return { stop: async () => {} }
  let running: Promise<void> = Promise.resolve()
  const tick = async (): Promise<void> => {
    try {
      for (const outcome of await scheduleTick(deps)) {
        if (outcome.kind === 'invalid') {
          log.error({ tenant: outcome.provider.tenant, provider: outcome.provider.name, reason: outcome.provider.reason }, 'schedule cannot run a provider; fix its settings')
          continue
        }
        const { decision } = outcome
        const about = { tenant: decision.provider.tenant, provider: decision.provider.name, period: decision.period, slot: decision.slot }
        if (outcome.kind === 'started') log.info({ ...about, session: outcome.sessionId }, 'schedule started a session')
        if (outcome.kind === 'skipped') log.warn({ ...about, reason: outcome.reason }, 'schedule skipped a run')
      }
    } catch (error) {
      log.error({ error: error instanceof Error ? error.message : String(error) }, 'schedule tick failed; trying again at the next')
    }
  }
  const cron = new Cron(pattern, { timezone: 'UTC', mode: CRON_MODE, protect: true }, () => {
    running = tick()
    return running
  })
  log.info({ pattern, next: cron.nextRun()?.toISOString() }, 'scheduler started')
  return {
    stop: async () => {
      cron.stop()
      await running
    },
  }
}
