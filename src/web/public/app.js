// The dashboard's entry: log in with an API key, then a page per address (#/…), drawn from the API.
import { api, session } from './api.js'
import { h, show } from './dom.js'
import { changesPage } from './pages/changes.js'
import { customerPage, customerSessionPage, customersPage } from './pages/customers.js'
import { loginPage } from './pages/login.js'
import { overviewPage } from './pages/overview.js'
import { resultPage } from './pages/result.js'
import { sessionPage } from './pages/session.js'
import { whatIfPage } from './pages/what-if.js'

const ROUTES = [
  [/^#\/sessions\/([\w-]+)\/result$/, resultPage],
  [/^#\/sessions\/([\w-]+)\/changes$/, changesPage],
  [/^#\/sessions\/([\w-]+)$/, sessionPage],
  [/^#\/what-if$/, whatIfPage],
  [/^#\/customers(\?.*)?$/, customersPage],
  [/^#\/customer-sessions\/([\w-]+)$/, customerSessionPage],
  [/^#\/tenants\/([^/?]+)\/customers\/([^/?]+)$/, customerPage],
  [/^#?\/?(\?.*)?$/, overviewPage],
]

/** Counts page views: a page still polling checks it to stop once the user has moved on. */
let view = 0
let me = null

async function render() {
  const current = ++view
  if (session.key() === null) return loginPage(loggedIn)
  try {
    me ??= await api('GET', '/api/me')
  } catch {
    return loginPage(loggedIn, 'That key was not accepted.')
  }
  document.getElementById('nav').hidden = false
  document.getElementById('who').hidden = false
  document.getElementById('who-name').textContent = `${me.name} · ${me.role} · ${me.tenant ?? 'all tenants'}`
  const hash = location.hash || '#/'
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(hash)
    if (match) {
      try {
        return await page({ me, params: match.slice(1), isCurrent: () => current === view })
      } catch (error) {
        if (current !== view) return
        return show(h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, error.message), h('p', {}, h('a', { href: '#/' }, 'Back to the overview')))
      }
    }
  }
  show(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the overview')))
}

function loggedIn(key) {
  session.set(key)
  me = null
  render()
}

function logOut() {
  session.clear()
  me = null
  document.getElementById('nav').hidden = true
  document.getElementById('who').hidden = true
  render()
}

document.getElementById('logout').addEventListener('click', logOut)
window.addEventListener('simopt:logout', logOut)
window.addEventListener('hashchange', render)
render()
