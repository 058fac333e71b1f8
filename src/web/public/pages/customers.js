// Customer optimization (issue 20): a tenant's customers, their price sheet and customer sessions; one customer
// session's figures per customer, live; one customer's bill before and after per month.
import { api } from '../api.js'
import { columnChart } from '../charts.js'
import { h, periodInput, say, show, statusBadge } from '../dom.js'
import { count, money, percent, time } from '../format.js'
import { chosenTenant, tenantPicker } from '../tenant-picker.js'

const PICKER = { base: '#/customers', id: 'customers-tenant-pick', noneLabel: 'Pick a tenant' }

const POLL_MS = 1000
const ENDED = ['done', 'failed', 'cancelled']

const tenantPath = (tenant) => `/api/tenants/${encodeURIComponent(tenant)}`
// A tenant's key reads its own tenant's customers whatever the query says; a service-wide key needs it named.
const tenantQuery = (tenant) => `?tenant=${encodeURIComponent(tenant)}`
const customerHref = (tenant, externalId) => `#/tenants/${encodeURIComponent(tenant)}/customers/${encodeURIComponent(externalId)}`
const table = (caption, labels, numeric, rows, foot) =>
  h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, labels.map((label, i) => h('th', { scope: 'col', class: numeric(i) ? 'num' : null }, label)))),
    h('tbody', {}, rows),
    foot ?? null,
  )

/** The Customers page: customers, the price sheet, customer sessions, and (operators) starting one. */
export async function customersPage({ me }) {
  const tenant = me.tenant ?? (await chosenTenant())
  if (tenant === null) return show(h('h1', {}, 'Customers'), await tenantPicker(null, PICKER), h('p', { class: 'muted' }, 'Pick a tenant to see its customers.'))
  const [{ customers }, sheet, { sessions }, { providers }] = await Promise.all([
    api('GET', `${tenantPath(tenant)}/customers`),
    api('GET', `${tenantPath(tenant)}/customer-plans`),
    api('GET', `${tenantPath(tenant)}/customer-sessions?limit=20`),
    api('GET', `${tenantPath(tenant)}/providers`),
  ])
  // A customer session is filed under the tenant's first provider (by name), whose currency its amounts are in.
  const currency = providers[0]?.currency ?? 'USD'
  show(
    h('h1', {}, `Customers of ${tenant}`),
    me.tenant === null ? await tenantPicker(tenant, PICKER) : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'customers-title' },
      h('h2', { id: 'customers-title' }, 'Customers'),
      customers.length === 0
        ? h('p', { class: 'muted' }, 'No customers yet (simopt customers import).')
        : table(
            'Customers and their SIMs',
            ['Customer', 'External id', 'SIMs'],
            (i) => i === 2,
            customers.map((c) => h('tr', {}, h('td', {}, h('a', { href: customerHref(tenant, c.externalId) }, c.name)), h('td', {}, c.externalId), h('td', { class: 'num' }, count(c.sims)))),
          ),
    ),
    priceSheetCard(sheet, currency),
    me.role !== 'viewer' && customers.length > 0 ? startForm(tenant) : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'customer-sessions-title' },
      h('h2', { id: 'customer-sessions-title' }, 'Customer sessions'),
      sessions.length === 0
        ? h('p', { class: 'muted' }, 'No customer session yet.')
        : table(
            'Customer sessions, newest first',
            ['Started', 'Period', 'Customers', 'Status', 'Finished'],
            () => false,
            sessions.map((s) =>
              h(
                'tr',
                {},
                h('td', {}, h('a', { href: `#/customer-sessions/${s.id}` }, time(s.createdAt))),
                h('td', {}, s.period),
                h('td', {}, s.customer ?? 'all'),
                h('td', {}, statusBadge(s.status), s.message ? h('span', { class: 'muted' }, ` ${s.message}`) : null),
                h('td', {}, time(s.finishedAt)),
              ),
            ),
          ),
    ),
  )
}



function priceSheetCard({ plans, pools }, currency) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'price-sheet-title' },
    h('h2', { id: 'price-sheet-title' }, 'Customer price sheet'),
    plans.length === 0
      ? h('p', { class: 'muted' }, 'No customer plans yet (simopt customers import).')
      : table(
          'Customer plans',
          ['Plan', 'Monthly rate', 'Included MB', 'Overage block MB', 'Block price', 'SMS rate', 'Pool', 'Auto-change', 'Charge type'],
          (i) => i >= 1 && i <= 5,
          plans.map((p) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, p.code),
              h('td', { class: 'num' }, money(p.monthlyRate, currency)),
              h('td', { class: 'num' }, count(p.includedMb)),
              h('td', { class: 'num' }, count(p.overageBlockMb)),
              h('td', { class: 'num' }, money(p.overageBlockPrice, currency)),
              h('td', { class: 'num' }, money(p.smsRate, currency)),
              h('td', {}, p.pool ?? (p.pooled ? 'pooled' : '–')),
              h('td', {}, p.autoChange ? 'yes' : 'no'),
              h('td', {}, p.chargeType),
            ),
          ),
        ),
    pools.length === 0
      ? null
      : table(
          'Customer pools',
          ['Pool', 'Overage block MB', 'Block price'],
          (i) => i > 0,
          pools.map((p) => h('tr', {}, h('th', { scope: 'row' }, p.name), h('td', { class: 'num' }, count(p.overageBlockMb)), h('td', { class: 'num' }, money(p.overageBlockPrice, currency)))),
        ),
  )
}

function startForm(tenant) {
  const period = periodInput('customer-start-period')
  const message = h('p', { class: 'error', role: 'alert' })
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event) => {
        event.preventDefault()
        try {
          const { id } = await api('POST', `${tenantPath(tenant)}/customer-sessions`, { period: period.value })
          say('Customer session started')
          location.hash = `#/customer-sessions/${id}`
        } catch (error) {
          message.textContent = error.message
        }
      },
    },
    h('label', { for: 'customer-start-period' }, 'Billing period (YYYY-MM)', period),
    h('button', { type: 'submit' }, 'Start customer session'),
  )
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'customer-start-title' },
    h('h2', { id: 'customer-start-title' }, 'Start a customer session'),
    h('p', { class: 'muted' }, 'Every customer, on the last synced usage; nothing is synced or pushed.'),
    form,
    message,
  )
}

/** One customer session, polled until it ends: its progress, then each customer's figures and the totals. */
export async function customerSessionPage({ params: [id], isCurrent }) {
  const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': 'Customer session progress' }, h('div', { style: 'width: 0%' }))
  const heading = h('h1', {}, 'Customer session')
  const summary = h('p', { id: 'customer-session-state', 'aria-live': 'polite' })
  const body = h('div')
  show(heading, h('section', { class: 'card' }, summary, progress), body)
  for (;;) {
    const [detail, { customers }] = await Promise.all([api('GET', `/api/sessions/${id}`), api('GET', `/api/customer-sessions/${id}/customers`)])
    if (!isCurrent()) return
    heading.textContent = `Customer session ${detail.tenant} / ${detail.period}`
    summary.replaceChildren(statusBadge(detail.status), ` ${detail.percent}%`, ` · started ${time(detail.createdAt, detail.timeZone)}`, detail.message ? h('span', { class: 'error' }, ` ${detail.message}`) : '')
    progress.setAttribute('aria-valuenow', detail.percent)
    progress.firstChild.style.width = `${detail.percent}%`
    body.replaceChildren(
      h('p', {}, h('a', { href: `#/customers${tenantQuery(detail.tenant)}` }, 'Back to the customers')),
      customerFiguresCard(detail.tenant, customers, detail.currency),
    )
    if (ENDED.includes(detail.status)) return
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    if (!isCurrent()) return
  }
}

function customerFiguresCard(tenant, customers, currency) {
  const sum = (key) => customers.reduce((total, c) => total + (c[key] ?? 0), 0)
  const done = customers.filter((c) => c.billBefore !== null && c.billAfter !== null)
  const saving = (c) => (c.billBefore === null || c.billAfter === null ? null : c.billBefore - c.billAfter)
  const cell = (value) => h('td', { class: 'num' }, value)
  // How old the usage was: said once when every customer's is the same (one import or sync), else per customer.
  const notes = new Set(customers.map((c) => c.note ?? ''))
  const sharedNote = notes.size === 1 ? [...notes][0] : null
  const rows = customers.map((c) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('a', { href: customerHref(tenant, c.externalId) }, c.name)),
      h('td', {}, c.externalId),
      h('td', {}, statusBadge(c.status)),
      cell(count(c.sims)),
      cell(count(c.changes)),
      cell(money(c.billBefore, currency)),
      cell(money(c.billAfter, currency)),
      cell(money(saving(c), currency)),
      cell(money(c.costAfter, currency)),
      cell(money(c.lowerBound, currency)),
      cell(percent(c.gapPct, 3)),
      cell(money(c.baselineCost, currency)),
      sharedNote === null ? h('td', { class: 'note' }, c.note ?? '') : null,
    ),
  )
  const totalBefore = done.reduce((total, c) => total + c.billBefore, 0)
  const totalAfter = done.reduce((total, c) => total + c.billAfter, 0)
  const foot = h(
    'tfoot',
    {},
    h(
      'tr',
      { id: 'customer-totals' },
      h('th', { scope: 'row' }, 'Total'),
      h('td', {}, `${count(customers.length)} customers`),
      h('td', {}, `${count(done.length)} done`),
      cell(count(sum('sims'))),
      cell(count(sum('changes'))),
      cell(money(totalBefore, currency)),
      cell(money(totalAfter, currency)),
      cell(money(totalBefore - totalAfter, currency)),
      h('td', { colspan: sharedNote === null ? 5 : 4 }, ''),
    ),
  )
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'customer-figures-title' },
    h('h2', { id: 'customer-figures-title' }, 'Customers'),
    sharedNote ? h('p', { id: 'customer-usage-note' }, `Usage priced: ${sharedNote}`) : null,
    customers.length === 0
      ? h('p', { class: 'muted' }, 'No customer started yet.')
      : h(
          'div',
          { class: 'scroll' },
          table(
            "Each customer's bill before and after",
            ['Customer', 'External id', 'Status', 'SIMs', 'Changes', 'Bill before', 'Bill after', 'Saving', 'Cost after, shared pools whole', 'Lower bound', 'Gap', 'Old method', sharedNote === null ? 'Usage' : null].filter((label) => label !== null),
            (i) => i >= 3 && i <= 11,
            rows,
            foot,
          ),
        ),
    h(
      'p',
      { class: 'muted' },
      'The lower bound, the gap and the old method are on the bill after with the pools a customer shares priced whole, so they are not added up.',
    ),
  )
}

/** One customer: its bill before and after per billing period (its latest finished customer session of each). */
export async function customerPage({ params }) {
  const [tenant, externalId] = params.map(decodeURIComponent)
  const [{ customers }, { periods }] = await Promise.all([
    api('GET', `${tenantPath(tenant)}/customers`),
    api('GET', `${tenantPath(tenant)}/customers/${encodeURIComponent(externalId)}/savings?periods=24`),
  ])
  const customer = customers.find((c) => c.externalId === externalId)
  // The amounts are in the currency of the sessions they come from: the newest one says it.
  const currency = periods.length === 0 ? 'USD' : (await api('GET', `/api/sessions/${periods[0].sessionId}`)).currency
  const oldestFirst = [...periods].reverse()
  show(
    h('h1', {}, `Customer ${customer?.name ?? externalId}`),
    h('p', {}, `${externalId} · ${count(customer?.sims)} SIMs · `, h('a', { href: `#/customers${tenantQuery(tenant)}` }, 'Back to the customers')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'customer-savings-title' },
      h('h2', { id: 'customer-savings-title' }, 'Savings per month'),
      periods.length === 0
        ? h('p', { class: 'muted' }, 'No finished customer session for this customer yet.')
        : [
            columnChart(
              oldestFirst.map((line) => ({ label: line.period, value: line.savings })),
              { title: `Savings per billing period of ${customer?.name ?? externalId}`, currency },
            ),
            table(
              'Bill before and after per billing period, newest first',
              ['Period', 'Bill before', 'Bill after', 'Saving', 'Session'],
              (i) => i >= 1 && i <= 3,
              periods.map((line) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, line.period),
                  h('td', { class: 'num' }, money(line.billBefore, currency)),
                  h('td', { class: 'num' }, money(line.billAfter, currency)),
                  h('td', { class: 'num' }, money(line.savings, currency)),
                  h('td', {}, h('a', { href: `#/customer-sessions/${line.sessionId}` }, 'Open the session')),
                ),
              ),
            ),
          ],
    ),
  )
}
