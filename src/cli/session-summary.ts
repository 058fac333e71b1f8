/** How a session reads on the terminal: `status SESSION`, `run --wait` and `demo` all print it this way. */
import { formatMoney, formatTime as formatZonedTime, savingsFigures } from '../domain/index.js'
import type { SessionView } from '../store/index.js'
import { formatCount, formatPercent, formatTable, formatTimeLeft } from './format.js'

export const formatTime = (at: number | null) => (at === null ? '' : new Date(at).toISOString().replace('T', ' ').slice(0, 19))

/** The session's figures: who and when, how far, and for each instance its SIMs, costs, savings, bound and changes. */
export function sessionSummary(view: SessionView): string {
  const money = (value: number) => formatMoney(value, view.currency)
  const rows: [string, string, string?][] = [
    ['session', view.id],
    ['tenant / provider', `${view.tenant} / ${view.provider}`],
    ['period', view.period],
    ['status', view.status, `${view.percent}%`],
  ]
  const progress = progressDetail(view)
  if (progress !== '') rows.push(['progress', progress])
  if (view.message !== null) rows.push(['message', view.message])
  for (const sync of view.syncs) {
    rows.push(
      ['sync', sync.stage === 'done' ? 'done' : `${sync.stage}…`, `${formatCount(sync.calls)} calls, ${formatCount(sync.errors)} errors`],
      ['devices', `${formatCount(sync.devices_seen)} seen`, `${formatCount(sync.devices_added)} added, ${formatCount(sync.devices_updated)} updated, ${formatCount(sync.comm_plans_added)} new communication plans`],
      ['usage readings', formatCount(sync.usage_rows)],
    )
  }
  for (const instance of view.instances) {
    // A customer session: a line per customer (bound, gap and old method are on its bill with shared pools whole).
    if (instance.customer != null) {
      const gap = instance.cost_after !== null && instance.lower_bound !== null && instance.cost_after > 0 ? ` gap ${formatPercent((100 * Math.max(0, instance.cost_after - instance.lower_bound)) / instance.cost_after, 3)}` : ''
      const bill = instance.bill_before === null || instance.bill_after === null ? instance.status : `${formatCount(instance.sims ?? 0)} SIMs, ${money(instance.bill_before)} -> ${money(instance.bill_after)}${gap}`
      rows.push([`customer ${instance.customer}`, bill, instance.baseline_cost === null ? '' : `old method ${money(instance.baseline_cost)}`])
      continue
    }
    if (instance.sims !== null) rows.push(instance.unpriced_note === null ? ['SIMs', formatCount(instance.sims)] : ['SIMs', formatCount(instance.sims), instance.unpriced_note])
    if (instance.component_count !== null) rows.push(['components', `${instance.components_done} of ${instance.component_count} done`])
    if (instance.changes !== null) rows.push(['changes', formatCount(instance.changes)])
    if (instance.cost_before !== null) rows.push(['cost before', money(instance.cost_before)])
    if (instance.cost_after !== null && instance.cost_before !== null) {
      const figures = savingsFigures(instance.cost_before, instance.cost_after, instance.lower_bound)
      rows.push(['cost after', money(instance.cost_after)], ['savings', money(figures.savings), `(${formatPercent(figures.savingsPct)})`])
      if (instance.lower_bound !== null && figures.gapPct !== null) rows.push(['lower bound', money(instance.lower_bound)], ['gap', formatPercent(figures.gapPct, 3)])
    }
    if (instance.baseline_cost !== null) rows.push(['old method', money(instance.baseline_cost)])
    if (instance.push_decision !== null) rows.push(['push', instance.push_decision, instance.push_reason ?? ''])
  }
  if (view.optimizer !== undefined) {
    const { status, components, dualEvaluations, phaseMs } = view.optimizer
    const ms = Object.values(phaseMs).reduce((sum, phase) => sum + phase, 0)
    rows.push(['optimizer', status, `${formatCount(components)} component${components === 1 ? '' : 's'}, ${formatCount(dualEvaluations)} dual evaluations, ${(ms / 1000).toFixed(1)} s`])
  }
  return formatTable(rows)
}

/**
 * What a running session is doing, in a line: a sync's SIMs read, calls and time left, or the components
 * solved; empty once it has ended or before it has started.
 */
export function progressDetail(view: SessionView): string {
  if (view.status === 'syncing') {
    return view.syncProgress
      .filter((sync) => sync.stage !== 'done')
      .map((sync) => {
        const sims = sync.simsTotal === null ? `${formatCount(sync.simsDone)} devices listed` : `usage of ${formatCount(sync.simsDone)} of ${formatCount(sync.simsTotal)} SIMs read`
        const left = sync.remainingMs === null ? '' : `, ${formatTimeLeft(sync.remainingMs)} left`
        return `${sims}, ${formatCount(sync.calls)} calls${left}`
      })
      .join('; ')
  }
  if (view.status === 'optimizing') {
    return view.instances
      .filter((instance) => instance.component_count !== null)
      .map((instance) => `${formatCount(instance.components_done)} of ${formatCount(instance.component_count!)} components solved`)
      .join('; ')
  }
  return ''
}

/** Every status change of the session and its instances, with its time in `timeZone` (the tenant's). */
export function sessionStages(view: SessionView, timeZone: string): string {
  return view.transitions.map((t) => `  ${formatZonedTime(t.at, timeZone)}  ${t.entity} ${t.from ?? '-'} -> ${t.to}${t.message === null ? '' : `: ${t.message}`}`).join('\n')
}
