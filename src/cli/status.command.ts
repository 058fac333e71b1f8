/** `simopt status [session]`: the latest sessions, or one session's stages and figures. */
import { Command } from 'commander'
import { SimoptError } from '../domain/index.js'
import { findSession, listSessions, type SessionView } from '../store/session-views.js'
import { formatCount, formatMoney, formatPercent, formatTable } from './format.js'
import { withService } from './service.js'

const time = (at: number | null) => (at === null ? '' : new Date(at).toISOString().replace('T', ' ').slice(0, 19))

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
          const rows = sessions.map((s) => [s.id, s.tenant, s.provider, s.period, s.status, time(s.createdAt), s.message ?? ''])
          const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
          const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()
          process.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`)
          return
        }
        const view = await findSession(store.db, sessionId)
        if (view === undefined) throw new SimoptError('INPUT_INVALID', `session ${sessionId} does not exist`)
        process.stdout.write(`${detail(view)}\n`)
      })
    })
}

function detail(view: SessionView): string {
  const rows: [string, string, string?][] = [
    ['session', view.id],
    ['tenant / provider', `${view.tenant} / ${view.provider}`],
    ['period', view.period],
    ['status', view.status, `${view.percent}%`],
  ]
  if (view.message !== null) rows.push(['message', view.message])
  for (const instance of view.instances) {
    if (instance.sims !== null) rows.push(['SIMs', formatCount(instance.sims)])
    if (instance.component_count !== null) rows.push(['components', `${instance.components_done} of ${instance.component_count} done`])
    if (instance.cost_before !== null) rows.push(['cost before', formatMoney(instance.cost_before)])
    if (instance.cost_after !== null && instance.cost_before !== null) {
      const savings = instance.cost_before - instance.cost_after
      rows.push(['cost after', formatMoney(instance.cost_after)], ['savings', formatMoney(savings), `(${formatPercent((100 * savings) / Math.max(instance.cost_before, 1e-9))})`])
    }
    if (instance.lower_bound !== null && instance.cost_after !== null) {
      rows.push(['lower bound', formatMoney(instance.lower_bound)], ['gap', formatPercent((100 * (instance.cost_after - instance.lower_bound)) / Math.max(instance.cost_after, 1e-9), 3)])
    }
    if (instance.baseline_cost !== null) rows.push(['old method', formatMoney(instance.baseline_cost)])
    if (instance.changes !== null) rows.push(['changes', formatCount(instance.changes)])
  }
  const stages = view.transitions.map((t) => `  ${time(t.at)}  ${t.entity} ${t.from ?? '-'} -> ${t.to}${t.message === null ? '' : `: ${t.message}`}`)
  return `${formatTable(rows)}\n\n  stages\n${stages.join('\n')}`
}
