/** `simopt status [session]`: the latest sessions, or one session's stages and figures. */
import { Command } from 'commander'
import { SimoptError } from '../domain/index.js'
import { findSession, listSessions } from '../store/session-views.js'
import { formatTime, sessionStages, sessionSummary } from './session-summary.js'
import { withService } from './service.js'

export function statusCommand(): Command {
  return new Command('status')
    .description('the latest sessions, or one session in detail')
    .argument('[session]', 'session id')
    .action(async (sessionId: string | undefined) => {
      await withService(async ({ store }) => {
        if (sessionId === undefined) {
          const sessions = await listSessions(store.db)
          if (sessions.length === 0) return void process.stdout.write('no sessions yet (start one with simopt run)\n')
          const header = ['session', 'tenant', 'provider', 'period', 'status', 'started', 'message']
          const rows = sessions.map((s) => [s.id, s.tenant, s.provider, s.period, s.status, formatTime(s.createdAt), s.message ?? ''])
          const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
          const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()
          process.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`)
          return
        }
        const view = await findSession(store.db, sessionId)
        if (view === undefined) throw new SimoptError('INPUT_INVALID', `session ${sessionId} does not exist`)
        process.stdout.write(`${sessionSummary(view)}\n\n  stages\n${sessionStages(view)}\n`)
      })
    })
}
