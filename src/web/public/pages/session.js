// One session, live: its progress and stages, polled until it ends; then its figures and where to go next.
import { api } from '../api.js'
import { figure, h, say, show, statusBadge } from '../dom.js'
import { count, money, percent, seconds, time, timeLeft } from '../format.js'

const POLL_MS = 1000
const ENDED = ['done', 'failed', 'cancelled']

export async function sessionPage({ me, params: [id], isCurrent }) {
  const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': 'Session progress' }, h('div', { style: 'width: 0%' }))
  const heading = h('h1', {}, 'Session')
  const summary = h('p', { id: 'session-state', 'aria-live': 'polite' })
  const body = h('div')
  show(heading, h('section', { class: 'card' }, summary, progress), body)
  for (;;) {
    const detail = await api('GET', `/api/sessions/${id}`)
    if (!isCurrent()) return
    heading.textContent = `Session ${detail.tenant} / ${detail.provider} / ${detail.period}`
    summary.replaceChildren(statusBadge(detail.status), ` ${detail.percent}%`, detail.message ? h('span', { class: 'error' }, ` ${detail.message}`) : '')
    progress.setAttribute('aria-valuenow', detail.percent)
    progress.firstChild.style.width = `${detail.percent}%`
    body.replaceChildren(...details(detail, me, id))
    if (ENDED.includes(detail.status)) return
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    if (!isCurrent()) return
  }
}

function details(detail, me, id) {
  const instance = detail.instances[0]
  const sections = []
  if (detail.status === 'done' && instance) {
    sections.push(
      h(
        'section',
        { class: 'card', 'aria-label': 'Figures' },
        h(
          'div',
          { class: 'grid' },
          figure('SIMs', count(instance.sims)),
          figure('Cost before', money(instance.costBefore, detail.currency)),
          figure('Cost after', money(instance.costAfter, detail.currency)),
          figure('Savings', money(instance.savings, detail.currency), percent(instance.savingsPct)),
          figure('Changes', count(instance.changes)),
        ),
        h('p', {}, h('a', { href: `#/sessions/${id}/result` }, 'Open the result'), ' · ', h('a', { href: `#/sessions/${id}/changes` }, 'Rate plan changes')),
      ),
    )
  }
  if (!['done', 'failed', 'cancelled'].includes(detail.status) && me.role !== 'viewer') {
    sections.push(
      h(
        'p',
        {},
        h('button', {
          type: 'button',
          class: 'secondary',
          onclick: async () => {
            if (!confirm('Cancel this session?')) return
            try {
              await api('POST', `/api/sessions/${id}/cancel`)
              say('Session cancelled')
            } catch (error) {
              say(error.message)
            }
          },
        }, 'Cancel session'),
      ),
    )
  }
  // Components are counted once the problem is built; during the sync there are none to show.
  if (instance && instance.componentCount !== null) sections.push(h('section', { class: 'card', 'aria-label': 'Components' }, h('p', {}, `Components: ${count(instance.componentsDone)} of ${count(instance.componentCount)} done`)))
  for (const sync of detail.syncs) sections.push(syncCard(sync))
  sections.push(stagesCard(detail.stages, detail.timeZone))
  return sections
}

/** A carrier sync: while it runs, what it has read, its calls and the time left; then what it found. */
function syncCard(sync) {
  const running = sync.stage !== 'done'
  const read = sync.simsTotal === null ? figure('Devices listed', count(sync.simsDone)) : figure('SIMs read', `${count(sync.simsDone)} of ${count(sync.simsTotal)}`)
  const figures = running
    ? [read, figure('Calls', count(sync.calls)), figure('Errors', count(sync.errors)), figure('Time left', sync.remainingMs === null ? '–' : timeLeft(sync.remainingMs))]
    : [figure('Devices seen', count(sync.devicesSeen)), figure('Added', count(sync.devicesAdded)), figure('Updated', count(sync.devicesUpdated)), figure('Usage readings', count(sync.usageRows)), figure('Calls', count(sync.calls)), figure('Errors', count(sync.errors))]
  const title = running ? `Carrier sync: ${sync.stage === 'devices' ? 'listing devices' : 'reading usage'}` : 'Carrier sync'
  return h('section', { class: 'card', 'aria-label': 'Carrier sync' }, h('h2', {}, title), h('div', { class: 'grid' }, figures))
}

/**
 * Every status change, once: an instance moves with its session (the same status, the same message), so
 * an instance's move the session also made is left out; only a move of its own is shown.
 */
function stagesCard(transitions, timeZone) {
  const sessionMoves = new Set(transitions.filter((stage) => stage.entity === 'session').map((stage) => stage.to))
  const stages = transitions.filter((stage) => stage.entity === 'session' || !sessionMoves.has(stage.to))
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'stages-title' },
    h('h2', { id: 'stages-title' }, 'Stages'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ['What', 'Status', 'At', 'Took', 'Note'].map((label) => h('th', { scope: 'col' }, label)))),
      h(
        'tbody',
        {},
        stages.map((stage, i) => {
          const next = stages.slice(i + 1).find((later) => later.entity === stage.entity)
          return h('tr', {}, h('td', {}, stage.entity), h('td', {}, statusBadge(stage.to)), h('td', {}, time(stage.at, timeZone)), h('td', {}, next ? seconds(next.at - stage.at) : ''), h('td', {}, stage.message ?? ''))
        }),
      ),
    ),
  )
}
