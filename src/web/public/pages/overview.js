// The overview: savings per month, the schedule, starting a session, and the latest sessions (paged on the server).
import { api } from '../api.js'
import { columnChart } from '../charts.js'
import { h, periodInput, say, show, statusBadge } from '../dom.js'
import { count, money, time } from '../format.js'
import { chosenTenant, tenantPicker } from '../tenant-picker.js'

const PICKER = { base: '#/', id: 'tenant-pick', noneLabel: 'All tenants' }

export async function overviewPage({ me }) {
  const tenant = me.tenant ?? (await chosenTenant())
  const query = tenant === null ? '' : `tenant=${encodeURIComponent(tenant)}`
  const savings = await api('GET', `/api/savings?${query}`)
  const sessionsCard = h('section', { class: 'card', 'aria-labelledby': 'sessions-title' }, h('h2', { id: 'sessions-title' }, 'Sessions'))
  show(
    h('h1', {}, tenant === null ? 'All tenants' : `Tenant ${tenant}`),
    me.tenant === null ? await tenantPicker(tenant, PICKER) : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'savings-title' },
      h('h2', { id: 'savings-title' }, 'Savings per month'),
      savings.periods.length === 0 ? h('p', { class: 'muted' }, 'No finished session yet.') : columnChart(savings.periods.map((p) => ({ label: p.period, value: p.savings })), { title: 'Savings per billing period' }),
    ),
    tenant === null ? null : await scheduleCard(tenant),
    me.role !== 'viewer' && tenant !== null ? await startForm(tenant) : null,
    sessionsCard,
  )
  await sessionList(sessionsCard, query)
}



/** Each provider's scheduled run now (due, held back and why, done, or when it comes), and the scheduler's state. */
async function scheduleCard(tenant) {
  const schedule = await api('GET', `/api/tenants/${encodeURIComponent(tenant)}/schedule?limit=5`)
  const what = {
    start: (p) => `due since ${time(p.dueAt)}`,
    skip: (p) => `held back: ${p.reason}`,
    ran: (p) => h('a', { href: `#/sessions/${p.sessionId}` }, 'ran'),
    waiting: (p) => `next run ${time(p.dueAt)}`,
  }
  const rows = schedule.providers.map((p) => h('tr', {}, h('td', {}, p.provider), h('td', {}, p.period), h('td', {}, p.slot), h('td', {}, what[p.kind](p))))
  const broken = schedule.invalid.map((p) => h('tr', {}, h('td', {}, p.provider), h('td', { colspan: 3, class: 'error' }, p.reason)))
  const ticking = schedule.cron === null ? 'The built-in scheduler is off (SIMOPT_SCHEDULE_CRON).' : `Sessions start by themselves on the last ${schedule.days} days of each period.`
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'schedule-title' },
    h('h2', { id: 'schedule-title' }, 'Schedule'),
    h('p', { class: 'muted' }, ticking),
    rows.length + broken.length === 0
      ? h('p', { class: 'muted' }, 'No provider to schedule.')
      : h('table', {}, h('caption', {}, 'Scheduled runs'), h('thead', {}, h('tr', {}, ['Provider', 'Period', 'Day', 'Run'].map((label) => h('th', { scope: 'col' }, label)))), h('tbody', {}, rows, broken)),
  )
}

async function startForm(tenant) {
  const { providers } = await api('GET', `/api/tenants/${encodeURIComponent(tenant)}/providers`)
  if (providers.length === 0) return h('section', { class: 'card' }, h('p', { class: 'muted' }, 'This tenant has no provider yet (simopt provider add).'))
  const provider = h('select', { id: 'start-provider', name: 'provider' }, providers.map((p) => h('option', { value: p.name }, `${p.name} (${p.integration})`)))
  const period = periodInput('start-period')
  const sync = h('input', { id: 'start-sync', type: 'checkbox', checked: true })
  const message = h('p', { class: 'error', role: 'alert' })
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event) => {
        event.preventDefault()
        try {
          const { id } = await api('POST', '/api/sessions', { tenant, provider: provider.value, period: period.value, sync: sync.checked })
          say('Session started')
          location.hash = `#/sessions/${id}`
        } catch (error) {
          message.textContent = error.message
        }
      },
    },
    h('label', { for: 'start-provider' }, 'Provider', provider),
    h('label', { for: 'start-period' }, 'Billing period (YYYY-MM)', period),
    h('label', { for: 'start-sync', class: 'check' }, h('span', {}, 'Sync from the carrier first'), sync),
    h('button', { type: 'submit' }, 'Start session'),
  )
  return h('section', { class: 'card', 'aria-labelledby': 'start-title' }, h('h2', { id: 'start-title' }, 'Start a session'), form, message)
}

async function sessionList(card, query, before) {
  const { sessions } = await api('GET', `/api/sessions?limit=20&${query}${before === undefined ? '' : `&before=${before}`}`)
  const table = h(
    'table',
    {},
    h('caption', {}, before === undefined ? 'Latest sessions, newest first' : `Sessions started before ${time(before)}`),
    h('thead', {}, h('tr', {}, ['Started', 'Tenant', 'Provider', 'Period', 'Status', 'SIMs', 'Cost before', 'Cost after', 'Changes'].map((label, i) => h('th', { scope: 'col', class: i >= 5 ? 'num' : null }, label)))),
    h(
      'tbody',
      {},
      sessions.map((s) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/sessions/${s.id}` }, time(s.createdAt))),
          h('td', {}, s.tenant),
          h('td', {}, s.provider),
          h('td', {}, s.period),
          h('td', {}, statusBadge(s.status)),
          h('td', { class: 'num' }, count(s.sims)),
          h('td', { class: 'num' }, money(s.costBefore, s.currency)),
          h('td', { class: 'num' }, money(s.costAfter, s.currency)),
          h('td', { class: 'num' }, count(s.changes)),
        ),
      ),
    ),
  )
  const older = sessions.length === 20 ? h('button', { type: 'button', class: 'secondary', onclick: () => sessionList(card, query, sessions.at(-1).createdAt) }, 'Older sessions') : null
  const newest = before !== undefined ? h('button', { type: 'button', class: 'secondary', onclick: () => sessionList(card, query) }, 'Newest') : null
  card.replaceChildren(h('h2', { id: 'sessions-title' }, 'Sessions'), sessions.length === 0 ? h('p', { class: 'muted' }, 'No sessions.') : table, h('div', { class: 'pager' }, newest, older))
}
