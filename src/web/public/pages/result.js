// A finished session's result: the figures (gap, the old method's cost), cost by plan before and after,
// and every SIM, searched and paged by the server (a million rows never come to the browser at once).
import { api, download } from '../api.js'
import { pairedBars } from '../charts.js'
import { figure, h, say, show, statusBadge } from '../dom.js'
import { count, mb, money, percent } from '../format.js'

const PAGE = 50

export async function resultPage({ params: [id] }) {
  const [detail, plans] = await Promise.all([api('GET', `/api/sessions/${id}`), api('GET', `/api/sessions/${id}/plans`)])
  const instance = detail.instances[0]
  const planLines = plans.lines.filter((line) => line.kind === 'plan')
  const cost = (side) => side.monthly + side.overage + side.sms
  const simTable = h('div')
  show(
    h('h1', {}, `Result: ${detail.tenant} / ${detail.provider} / ${detail.period}`),
    h('p', {}, h('a', { href: `#/sessions/${id}` }, 'Session'), ' · ', h('a', { href: `#/sessions/${id}/changes` }, 'Rate plan changes')),
    h(
      'section',
      { class: 'card', 'aria-label': 'Figures' },
      h(
        'div',
        { class: 'grid' },
        figure('Cost before', money(instance.costBefore, detail.currency)),
        figure('Cost after', money(instance.costAfter, detail.currency)),
        figure('Savings', money(instance.savings, detail.currency), percent(instance.savingsPct)),
        figure('Lower bound', money(instance.lowerBound, detail.currency)),
        figure('Gap', percent(instance.gapPct, 3), 'how far from the proven best'),
        figure('Old method', money(instance.baselineCost, detail.currency), "the seed strategy's cost"),
        figure('SIMs', count(instance.sims)),
        figure('Changes', count(instance.changes)),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'plans-title' },
      h('h2', { id: 'plans-title' }, 'Cost by plan, before and after'),
      pairedBars(planLines.map((line) => ({ label: line.name, before: cost(line.before), after: cost(line.after) })), { title: 'Cost by rate plan before and after' }),
      h('div', { class: 'legend' }, h('span', {}, h('span', { class: 'swatch', style: 'background: var(--before)' }), 'before'), h('span', {}, h('span', { class: 'swatch', style: 'background: var(--after)' }), 'after')),
      h(
        'table',
        {},
        h('caption', {}, 'Plans before and after'),
        h('thead', {}, h('tr', {}, ['Plan', 'SIMs before', 'SIMs after', 'Cost before', 'Cost after'].map((label, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, label)))),
        h('tbody', {}, planLines.map((line) => h('tr', {}, h('th', { scope: 'row' }, line.name), h('td', { class: 'num' }, count(line.before.sims)), h('td', { class: 'num' }, count(line.after.sims)), h('td', { class: 'num' }, money(cost(line.before), detail.currency)), h('td', { class: 'num' }, money(cost(line.after), detail.currency))))),
      ),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'sims-title' },
      h('h2', { id: 'sims-title' }, 'SIMs'),
      h(
        'p',
        {},
        h('button', { type: 'button', class: 'secondary', onclick: () => download(`/api/sessions/${id}/results.csv`, `simopt-${id}.csv`).catch((error) => say(error.message)) }, 'Download CSV'),
        ' ',
        h('button', { type: 'button', class: 'secondary', onclick: () => download(`/api/sessions/${id}/report.xlsx`, `simopt-${id}.xlsx`).catch((error) => say(error.message)) }, 'Download workbook'),
      ),
      simTable,
    ),
  )
  simBrowser(simTable, id, instance.sims, detail.currency)
}

/** The SIM table: an ICCID prefix search and pages by the server's cursor; earlier cursors kept for "Previous". */
function simBrowser(container, id, total, currency) {
  const search = h('input', { id: 'sim-search', type: 'search', inputmode: 'numeric', pattern: '[0-9A-Za-z]*', placeholder: 'ICCID starts with…' })
  const rows = h('tbody')
  const info = h('span', { class: 'muted', 'aria-live': 'polite' })
  const previous = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Previous')
  const next = h('button', { type: 'button', class: 'secondary', disabled: true }, 'Next')
  const cursors = [null]
  let nextCursor = null

  async function load() {
    const prefix = search.value.trim()
    const after = cursors.at(-1)
    const query = new URLSearchParams({ limit: String(PAGE) })
    if (prefix !== '') query.set('iccid', prefix)
    if (after !== null) query.set('after', after)
    try {
      const page = await api('GET', `/api/sessions/${id}/results?${query}`)
      nextCursor = page.next
      rows.replaceChildren(
        ...page.rows.map((row) =>
          h(
            'tr',
            {},
            h('td', {}, row.iccid),
            h('td', {}, row.commPlan),
            h('td', {}, row.currentPlan),
            h('td', {}, row.newPlan === row.currentPlan ? row.newPlan : h('strong', {}, row.newPlan)),
            h('td', { class: 'num' }, mb(row.usageMb)),
            h('td', { class: 'num' }, money(row.costBefore, currency)),
            h('td', { class: 'num' }, money(row.costAfter, currency)),
            h('td', {}, row.changeStatus ? statusBadge(row.changeStatus) : ''),
          ),
        ),
      )
      info.textContent = `Page ${cursors.length}${prefix === '' ? ` of ${count(Math.ceil(total / PAGE))} (${count(total)} SIMs)` : `, ICCIDs starting ${prefix}`}${page.rows.length === 0 ? ': none' : ''}`
      previous.disabled = cursors.length === 1
      next.disabled = nextCursor === null
    } catch (error) {
      info.textContent = error.message
    }
  }

  let typing
  search.addEventListener('input', () => {
    clearTimeout(typing)
    typing = setTimeout(() => {
      cursors.splice(1)
      load()
    }, 250)
  })
  previous.addEventListener('click', () => {
    cursors.pop()
    load()
  })
  next.addEventListener('click', () => {
    cursors.push(nextCursor)
    load()
  })
  container.replaceChildren(
    h('label', { for: 'sim-search' }, 'Search by ICCID', search),
    h(
      'table',
      { id: 'sim-table' },
      h('thead', {}, h('tr', {}, ['ICCID', 'Comm. plan', 'Current plan', 'New plan', 'Usage', 'Cost before', 'Cost after', 'Change'].map((label, i) => h('th', { scope: 'col', class: i >= 4 && i <= 6 ? 'num' : null }, label)))),
      rows,
    ),
    h('div', { class: 'pager' }, previous, next, info),
  )
  load()
}
