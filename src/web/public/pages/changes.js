// Rate plan changes of a session: counts, the go / no-go decision, changes filtered (status, plans, saving) and
// sorted (ICCID, saving) with the selection's totals, each saving split into its own and its pool effect; an
// operator approves what was picked, what the filter selects, or all, seeing first what it adds up to.
import { api } from '../api.js'
import { figure, h, say, show, statusBadge } from '../dom.js'
import { count, money } from '../format.js'

const PAGE = 100
const STATUSES = ['planned', 'approved', 'pushing', 'pushed', 'verified', 'discrepancy', 'failed', 'skipped']
const ORDERS = [
  ['iccid', 'ICCID'],
  ['saving-desc', 'Saving, largest first'],
  ['saving-asc', 'Saving, smallest first'],
]

export async function changesPage({ me, params: [id] }) {
  const detail = await api('GET', `/api/sessions/${id}`)
  const canAct = me.role !== 'viewer'
  const summary = h('section', { class: 'card', 'aria-label': 'Changes by status' })
  const list = h('section', { class: 'card', 'aria-labelledby': 'change-list-title' })
  const confirmation = h('div', { id: 'approve-confirm', role: 'region', 'aria-label': 'Confirm approval' })
  const controls = {
    status: h('select', { id: 'change-status' }, h('option', { value: '' }, 'all'), STATUSES.map((status) => h('option', { value: status }, status))),
    order: h('select', { id: 'change-order' }, ORDERS.map(([value, label]) => h('option', { value }, label))),
    fromPlan: h('input', { id: 'change-from-plan', size: 12 }),
    toPlan: h('input', { id: 'change-to-plan', size: 12 }),
    minSaving: h('input', { id: 'change-min-saving', type: 'number', step: 'any', size: 8 }),
    maxSaving: h('input', { id: 'change-max-saving', type: 'number', step: 'any', size: 8 }),
  }
  // Picked changes across pages, with their savings: the approve button shows what they add up to.
  const selected = new Map()
  const cursors = [null]
  let nextCursor = null
  let currency = 'USD'
  const cash = (value) => money(value, currency)

  /** The plan and saving conditions typed in (no status: an approval takes planned changes only). */
  function filter() {
    const conditions = {}
    for (const key of ['fromPlan', 'toPlan']) if (controls[key].value.trim() !== '') conditions[key] = controls[key].value.trim()
    for (const key of ['minSaving', 'maxSaving']) if (controls[key].value !== '' && Number.isFinite(Number(controls[key].value))) conditions[key] = Number(controls[key].value)
    return conditions
  }

  const selectionText = (selection) =>
    `${count(selection.changes)} changes saving ${cash(selection.saving)} (own ${cash(selection.ownSaving)}, pool effects ${cash(selection.poolEffect)})`

  async function refresh() {
    // The filter the page and its totals are for: approving "filtered" sends this one, not whatever is typed
    // in the boxes by then (an unapplied, cleared box would otherwise approve more than was confirmed).
    const applied = filter()
    const query = new URLSearchParams({ limit: String(PAGE), order: controls.order.value })
    if (controls.status.value !== '') query.set('status', controls.status.value)
    for (const [key, value] of Object.entries(applied)) query.set(key, String(value))
    if (cursors.at(-1) !== null) query.set('after', cursors.at(-1))
    const page = await api('GET', `/api/sessions/${id}/changes?${query}`)
    currency = page.currency
    nextCursor = page.next
    const planned = Object.keys(applied).length === 0 ? null : await api('GET', `/api/sessions/${id}/changes?${new URLSearchParams({ ...applied, status: 'planned', limit: '1' })}`)
    const allPlanned = await api('GET', `/api/sessions/${id}/changes?status=planned&limit=1`)
    summary.replaceChildren(
      h('div', { class: 'grid' }, STATUSES.filter((status) => page.counts[status] !== undefined).map((status) => figure(status, count(page.counts[status])))),
      h('p', { id: 'push-decision' }, h('strong', {}, 'Push: '), page.pushDecision ?? 'not decided yet', page.pushReason ? ` — ${page.pushReason}` : ''),
      canAct ? actions(page.counts, allPlanned.selection, planned === null ? null : { selection: planned.selection, filter: applied }) : null,
      confirmation,
    )
    list.replaceChildren(
      h('h2', { id: 'change-list-title' }, 'Changes'),
      h(
        'form',
        { class: 'inline', 'aria-label': 'Filter and sort', onsubmit: (event) => (event.preventDefault(), reload()) },
        h('label', { for: 'change-status' }, 'Status', controls.status),
        h('label', { for: 'change-from-plan' }, 'From plan', controls.fromPlan),
        h('label', { for: 'change-to-plan' }, 'To plan', controls.toPlan),
        h('label', { for: 'change-min-saving' }, `Saving at least (${currency})`, controls.minSaving),
        h('label', { for: 'change-max-saving' }, `Saving at most (${currency})`, controls.maxSaving),
        h('label', { for: 'change-order' }, 'Sort by', controls.order),
        h('button', { type: 'submit', class: 'secondary' }, 'Apply'),
      ),
      h('p', { id: 'change-selection' }, h('strong', {}, 'Selected by the filter: '), selectionText(page.selection)),
      h(
        'p',
        { class: 'muted' },
        "A change's saving is its own saving (the SIM's monthly, SMS and unpooled overage charges) plus its pool effect (its share of what the pools it leaves and joins charge less); the changes add up to the session's saving.",
      ),
      h(
        'table',
        { id: 'change-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            canAct ? h('th', { scope: 'col' }, h('span', { class: 'muted' }, 'Pick')) : null,
            ['ICCID', 'Old plan', 'New plan', 'Saving', 'Own saving', 'Pool effect', 'Status', 'Carrier answer'].map((label, i) => h('th', { scope: 'col', class: i >= 3 && i <= 5 ? 'num' : null }, label)),
          ),
        ),
        h(
          'tbody',
          {},
          page.rows.map((row) =>
            h(
              'tr',
              {},
              canAct
                ? h(
                    'td',
                    {},
                    h('input', {
                      type: 'checkbox',
                      'aria-label': `Pick ${row.iccid}`,
                      disabled: row.status !== 'planned',
                      checked: selected.has(row.iccid),
                      onchange: (event) => {
                        if (event.target.checked) selected.set(row.iccid, row)
                        else selected.delete(row.iccid)
                        updateSelectedButton()
                      },
                    }),
                  )
                : null,
              h('td', {}, row.iccid),
              h('td', {}, row.oldPlan),
              h('td', {}, row.newPlan),
              h('td', { class: 'num' }, cash(row.saving)),
              h('td', { class: 'num' }, cash(row.ownSaving)),
              h('td', { class: 'num' }, cash(row.poolEffect)),
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
    updateSelectedButton()
  }

  function pickedSelection() {
    const rows = [...selected.values()]
    const sum = (key) => rows.reduce((total, row) => total + row[key], 0)
    return { changes: rows.length, saving: sum('saving'), ownSaving: sum('ownSaving'), poolEffect: sum('poolEffect') }
  }

  function updateSelectedButton() {
    const button = document.getElementById('approve-selected')
    if (button) button.textContent = selected.size === 0 ? 'Approve picked' : `Approve picked (${count(selected.size)}, saves ${cash(pickedSelection().saving)})`
  }

  /** Shows what an approval adds up to, and approves only on confirmation. */
  function confirmApproval(what, selection, body) {
    confirmation.replaceChildren(
      h('p', { id: 'approve-total' }, h('strong', {}, `Approve ${what}: `), selectionText(selection), '. Pool effects count as planned when every planned change is made.'),
      h('p', {}, h('button', { type: 'button', id: 'approve-confirm-button', onclick: () => approve(body) }, 'Confirm approval'), ' ', h('button', { type: 'button', class: 'secondary', onclick: () => confirmation.replaceChildren() }, 'Cancel')),
    )
    document.getElementById('approve-confirm-button').focus()
  }

  async function approve(body) {
    confirmation.replaceChildren()
    try {
      const answer = await api('POST', `/api/sessions/${id}/changes/approve`, body)
      say(`Approved ${selectionText(answer.approvedSelection)}; ${answer.verdict} (${answer.reason})`)
      selected.clear()
      await refresh()
    } catch (error) {
      say(error.message)
    }
  }

  async function push() {
    try {
      const answer = await api('POST', `/api/sessions/${id}/changes/push`)
      say(`Push: ${answer.verdict} (${answer.reason})`)
      await refresh()
    } catch (error) {
      say(error.message)
    }
  }

  function actions(counts, allPlanned, filtered) {
    const filteredPlanned = filtered?.selection ?? null
    return h(
      'p',
      {},
      h('button', { type: 'button', id: 'approve-selected', onclick: () => (selected.size === 0 ? say('Pick some planned changes first') : confirmApproval('the picked changes', pickedSelection(), { iccids: [...selected.keys()] })) }, 'Approve picked'),
      ' ',
      filteredPlanned === null
        ? null
        : h('button', { type: 'button', id: 'approve-filtered', disabled: filteredPlanned.changes === 0, onclick: () => confirmApproval('the planned changes the filter selects', filteredPlanned, { filter: filtered.filter }) }, `Approve filtered planned (${count(filteredPlanned.changes)}, saves ${cash(filteredPlanned.saving)})`),
      filteredPlanned === null ? null : ' ',
      h('button', { type: 'button', id: 'approve-all', disabled: !counts.planned, onclick: () => confirmApproval('all planned changes', allPlanned, {}) }, `Approve all planned (${count(counts.planned ?? 0)}, saves ${cash(allPlanned.saving)})`),
      ' ',
      h('button', { type: 'button', id: 'push-now', class: 'secondary', disabled: !counts.approved, onclick: push }, 'Push approved now'),
    )
  }

  function reload() {
    cursors.splice(1)
    refresh()
  }
  controls.status.addEventListener('change', reload)
  controls.order.addEventListener('change', reload)
  show(
    h('h1', {}, `Rate plan changes: ${detail.tenant} / ${detail.provider} / ${detail.period}`),
    h('p', {}, h('a', { href: `#/sessions/${id}` }, 'Session'), ' · ', h('a', { href: `#/sessions/${id}/result` }, 'Result')),
    summary,
    list,
  )
  await refresh()
}
