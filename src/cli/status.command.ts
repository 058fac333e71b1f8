/** `simopt status [session]`: the latest sessions, or one session's stages and figures. */
import { Command } from 'commander'
import { sessionOverview, sessionStatus } from '../services/sessions.service.js'
import { outboxLine } from './outbox.command.js'
import { formatTime, sessionStages, sessionSummary } from './session-summary.js'
import { withService } from './service.js'

export function statusCommand(): Command {
  return new Command('status')
    .description('the latest sessions, or one session in detail')
    .argument('[session]', 'session id')
    .action(async (sessionId: string | undefined) => {
      await withService(async (service) => {
        if (sessionId === undefined) {
          const { sessions, unsent } = await sessionOverview(service)
          if (sessions.length === 0) return void process.stdout.write('no sessions yet (start one with simopt run)\n')
          const header = ['session', 'tenant', 'provider', 'period', 'status', 'started', 'message']
          const rows = sessions.map((s) => [s.id, s.tenant, s.provider, s.period, s.status, formatTime(s.createdAt), s.message ?? ''])
          const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
          const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()
          process.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`)
          // Messages that cannot go out until someone changes a setting: a configuration error, said here.
          if (unsent.length > 0) process.stdout.write(`\n  messages not sent (simopt outbox)\n${unsent.map(outboxLine).join('\n')}\n`)
          return
        }
        const { view, messages } = await sessionStatus(service, sessionId)
        const messageLines = messages.length === 0 ? '' : `\n\n  messages\n${messages.map(outboxLine).join('\n')}`
        process.stdout.write(`${sessionSummary(view)}\n\n  stages\n${sessionStages(view, view.timeZone)}${messageLines}\n`)
      })
    })
}
