// What-if: the files of simopt optimize uploaded, optimized on the server, nothing stored.
import { api, download } from '../api.js'
import { figure, h, say, show } from '../dom.js'
import { count, mb, money, percent } from '../format.js'

const FIELDS = [
  ['plans', 'Rate plans (plans.csv)', true],
  ['commPlans', 'Communication plans (comm_plans.csv)', true],
  ['sims', 'SIMs (sims.csv)', true],
  ['pools', 'Pools (pools.csv, optional)', false],
]

export function whatIfPage({ me }) {
  if (me.role === 'viewer') return show(h('h1', {}, 'What-if'), h('p', {}, 'What-if needs an operator key.'))
  const output = h('div', { 'aria-live': 'polite' })
  const days = h('input', { id: 'what-if-days', name: 'periodDays', type: 'number', min: 1, max: 366, value: 30 })
  const prorate = h('input', { id: 'what-if-prorate', name: 'prorate', type: 'checkbox' })
  const submit = h('button', { type: 'submit' }, 'Optimize')
  // The files as chosen now: a download sends them again (the server keeps nothing between requests).
  const upload = () => {
    const data = new FormData()
    data.set('periodDays', days.value)
    data.set('prorate', String(prorate.checked))
    for (const [name] of FIELDS) {
      const file = form.querySelector(`#what-if-${name}`).files[0]
      if (file) data.set(name, file, file.name)
    }
    return data
  }
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event) => {
        event.preventDefault()
        const data = upload()
        data.set('rows', '50')
        submit.disabled = true
        output.replaceChildren(h('p', { class: 'muted' }, 'Optimizing…'))
        try {
          output.replaceChildren(...result(await api('POST', '/api/what-if', data), downloads(upload)))
        } catch (error) {
          output.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message))
        } finally {
          submit.disabled = false
        }
      },
    },
    FIELDS.map(([name, label, required]) => h('label', { for: `what-if-${name}` }, label, h('input', { id: `what-if-${name}`, type: 'file', accept: '.csv,text/csv', required }))),
    h('label', { for: 'what-if-days' }, 'Days in the period', days),
    h('label', { for: 'what-if-prorate' }, 'Prorate', prorate),
    submit,
  )
  show(h('h1', {}, 'What-if'), h('section', { class: 'card' }, h('p', { class: 'muted' }, 'Upload a price sheet and a fleet as simopt optimize reads them; nothing is stored.'), form), output)
}

/** Every SIM, not only the rows shown: the files optimized again on the server, answered as a file. */
function downloads(upload) {
  const button = (format, label) =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          const data = upload()
          data.set('format', format)
          download('/api/what-if/download', `simopt-what-if.${format}`, data).catch((error) => say(error.message))
        },
      },
      label,
    )
  return h('p', {}, button('csv', 'Download every SIM (CSV)'), ' ', button('xlsx', 'Download workbook'))
}

function result({ summary, rows }, downloadButtons) {
  return [
    h(
      'section',
      { class: 'card', 'aria-label': 'What-if figures' },
      h(
        'div',
        { class: 'grid' },
        figure('SIMs', count(summary.sims)),
        figure('Cost before', money(summary.costBefore)),
        figure('Cost after', money(summary.costAfter)),
        figure('Savings', money(summary.savings), percent(summary.savingsPct)),
        figure('Gap', percent(summary.gapPct, 3)),
        figure('Old method', money(summary.baselineCost)),
        figure('Changes', count(summary.changes)),
      ),
      downloadButtons,
    ),
    h(
      'section',
      { class: 'card' },
      h(
        'table',
        {},
        h('caption', {}, `The first ${rows.length} of ${count(summary.sims)} SIMs`),
        h('thead', {}, h('tr', {}, ['ICCID', 'Comm. plan', 'Current plan', 'New plan', 'Usage', 'Cost before', 'Cost after'].map((label, i) => h('th', { scope: 'col', class: i >= 4 ? 'num' : null }, label)))),
        h('tbody', {}, rows.map((row) => h('tr', {}, h('td', {}, row.iccid), h('td', {}, row.commPlan), h('td', {}, row.currentPlan), h('td', {}, row.newPlan), h('td', { class: 'num' }, mb(row.usageMb)), h('td', { class: 'num' }, money(row.costBefore)), h('td', { class: 'num' }, money(row.costAfter))))),
      ),
    ),
  ]
}
