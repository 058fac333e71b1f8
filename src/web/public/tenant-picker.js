// A service-wide key chooses the tenant a page shows; the choice lives in the page's address (`#/page?tenant=NAME`).
import { api } from './api.js'
import { h } from './dom.js'

/** The tenant named in the address, when it is one the key may see; otherwise null. */
export async function chosenTenant() {
  const { tenants } = await api('GET', '/api/tenants')
  const chosen = new URLSearchParams(location.hash.split('?')[1] ?? '').get('tenant')
  return tenants.some((t) => t.name === chosen) ? chosen : null
}

/** A card with a tenant select; choosing one goes to `base?tenant=NAME`, the empty choice (`noneLabel`) to `base`. */
export async function tenantPicker(current, { base, id, noneLabel }) {
  const { tenants } = await api('GET', '/api/tenants')
  const select = h(
    'select',
    { id, onchange: () => (location.hash = select.value === '' ? base : `${base}?tenant=${encodeURIComponent(select.value)}`) },
    h('option', { value: '' }, noneLabel),
    tenants.map((t) => h('option', { value: t.name, selected: t.name === current }, t.name)),
  )
  return h('section', { class: 'card' }, h('label', { for: id }, 'Tenant', select))
}
