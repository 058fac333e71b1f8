/** `simopt run` and `simopt restart`: start (or start again) an optimization session. */
import { Command } from 'commander'
import { restartSession, startSession } from '../jobs/sessions.js'
import type { SessionView } from '../store/session-views.js'
import { formatMoney } from './format.js'
import { withService } from './service.js'
import { waitForSession } from './session-wait.js'

interface RunOptions {
  tenant: string
  provider: string
  period: string
  wait?: boolean
  sync: boolean
}

export function runCommand(): Command {
  return new Command('run')
    .description('start an optimization session; prints its id on the first line')
    .requiredOption('--tenant <name>', 'tenant')
    .requiredOption('--provider <name>', 'service provider (carrier account)')
    .requiredOption('--period <YYYY-MM>', 'billing period')
    .option('--no-sync', 'optimize the devices and usage already stored, without syncing from the carrier first (the only mode until carrier sync is built)')
    .option('--wait', 'show progress and wait for the session to end; exit 0 when done, 1 when it failed')
    .action(async (options: RunOptions) => {
      await withService(async (service) => {
        const id = await startSession(service.store, service.queue(), { tenant: options.tenant, provider: options.provider, period: options.period, trigger: 'manual' })
        process.stdout.write(`${id}\n`)
        if (options.wait === true) process.exitCode = report(await waitForSession(service, id))
      })
    })
}

export function restartCommand(): Command {
  return new Command('restart')
    .description('run a failed or cancelled session again')
    .argument('<session>', 'session id')
    .option('--wait', 'show progress and wait for the session to end; exit 0 when done, 1 when it failed')
    .action(async (sessionId: string, options: { wait?: boolean }) => {
      await withService(async (service) => {
        await restartSession(service.store, service.queue(), sessionId)
        process.stdout.write(`${sessionId}\n`)
        if (options.wait === true) process.exitCode = report(await waitForSession(service, sessionId))
      })
    })
}

function report(view: SessionView): number {
  if (view.status !== 'done') {
    process.stderr.write(`session ${view.id} ${view.status}: ${view.message ?? 'no reason recorded'}\n`)
    return 1
  }
  const instance = view.instances[0]
  if (instance?.cost_before != null && instance.cost_after != null) {
    process.stderr.write(
      `session ${view.id} done: ${instance.sims} SIMs, ${instance.changes} changes, cost ${formatMoney(instance.cost_before)} -> ${formatMoney(instance.cost_after)}\n`,
    )
  }
  return 0
}
