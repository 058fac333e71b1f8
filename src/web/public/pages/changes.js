// Rate plan changes of a session: counts, the go / no-go decision, a page of changes to pick from, and an
// operator's approval (selected or all) and push.
import { api } from '../api.js'
import { figure, h, say, show, statusBadge } from '../dom.js'
import { count, money } from '../format.js'

const PAGE = 100
const STATUSES = ['planned', 'approved', 'pushing', 'pushed', 'verified', 'discrepancy', 'failed', 'skipped']

export async function changesPage({ me, params: [id] }) {
  const detail = await api('GET', `/api/sessions/${id}`)
  const canAct = me.role !== 'viewer'
  const summary = h('section', { class: 'card', 'aria-label': 'Changes by status' })
  const list = h('section', { class: 'card', 'aria-labelledby': 'change-list-title' })
  const filter = h('select', { id: 'change-status' }, h('option', { value: '' }, 'all'), STATUSES.map((status) => h('option', { value: status }, status)))
  const selected = new Set()
  const cursors = [null]
  let nextCursor = null

  async function refresh() {
    const query = new URLSearchParams({ limit: String(PAGE) })
    if (filter.value !== '') query.set('status', filter.value)
    if (cursors.at(-1) !== null) query.set('after', cursors.at(-1))
    const page = await api('GET', `/api/sessions/${id}/changes?${query}`)
    nextCursor = page.next
    summary.replaceChildren(
      h('div', { class: 'grid' }, STATUSES.filter((status) => page.counts[status] !== undefined).map((status) => figure(status, count(page.counts[status])))),
      h('p', { id: 'push-decision' }, h('strong', {}, 'Push: '), page.pushDecision ?? 'not decided yet', page.pushReason ? ` — ${page.pushReason}` : ''),
      canAct ? actions(page.counts) : null,
    )
    list.replaceChildren(
      h('h2', { id: 'change-list-title' }, 'Changes'),
      h('label', { for: 'change-status' }, 'Status', filter),
      h(
        'table',
        { id: 'change-table' },
        h('thead', {}, h('tr', {}, canAct ? h('th', { scope: 'col' }, h('span', { class: 'muted' }, 'Pick')) : null, ['ICCID', 'Old plan', 'New plan', 'Saving', 'Status', 'Carrier answer'].map((label, i) => h('th', { scope: 'col', class: i === 3 ? 'num' : null }, label)))),
        h(
          'tbody',
          {},
          page.rows.map((row) =>
            h(
              'tr',
              {},
              canAct
                ? h('td', {}, h('input', { type: 'checkbox', 'aria-label': `Pick ${row.iccid}`, disabled: row.status !== 'planned', checked: selected.has(row.iccid), onchange: (event) => (event.target.checked ? selected.add(row.iccid) : selected.delete(row.iccid)) }))
                : null,
              h('td', {}, row.iccid),
              h('td', {}, row.oldPlan),
              h('td', {}, row.newPlan),
              h('td', { class: 'num' }, money(row.saving)),
              h('td', {}, statusBadge(row.status)),
              h('td', {}, row.answer ?? ''),
            ),
          ),
        ),
      ),
      h(
        'div',
        { class: 'pager' },
        h('button', { type: 'button', class: 'secondary', disabled: cursors.length === 1, onclick: () => (cursors.pop(), refresh()) }, 'Previous'),
        h('button', { type: 'button', class: 'secondary', disabled: nextCursor === null, onclick: () => (cursors.push(nextCursor), refresh()) }, 'Next'),
      ),
    )
  }

  function actions(counts) {
    const act = async (what, path, body) => {
      try {
        const answer = await api('POST', path, body)
        say(`${what}: ${answer.approved ? `${count(answer.approved)} approved; ` : ''}${answer.verdict} (${answer.reason})`)
        selected.clear()
        await refresh()
      } catch (error) {
        say(error.message)
      }
    }
    return h(
      'p',
      {},
      h('button', { type: 'button', id: 'approve-selected', onclick: () => (selected.size === 0 ? say('Pick some planned changes first') : act('Approved', `/api/sessions/${id}/changes/approve`, { iccids: [...selected] })) }, 'Approve selected'),
      ' ',
      h('button', { type: 'button', id: 'approve-all', disabled: !counts.planned, onclick: () => act('Approved', `/api/sessions/${id}/changes/approve`, {}) }, `Approve all planned (${count(counts.planned ?? 0)})`),
      ' ',
      h('button', { type: 'button', id: 'push-now', class: 'secondary', disabled: !counts.approved, onclick: () => act('Push', `/api/sessions/${id}/changes/push`) }, 'Push approved now'),
    )
  }

  filter.addEventListener('change', () => {
    cursors.splice(1)
    refresh()
  })
  show(
    h('h1', {}, `Rate plan changes: ${detail.tenant} / ${detail.provider} / ${detail.period}`),
    h('p', {}, h('a', { href: `#/sessions/${id}` }, 'Session'), ' · ', h('a', { href: `#/sessions/${id}/result` }, 'Result')),
    summary,
    list,
  )
  await refresh()
}
