// The login screen: an API key (simopt apikey create), checked against /api/me before it is kept.
import { api, session } from '../api.js'
import { h, show } from '../dom.js'

export function loginPage(onKey, problem) {
  const input = h('input', { id: 'api-key', name: 'key', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false' })
  const message = h('p', { class: 'error', role: 'alert' }, problem ?? '')
  const form = h(
    'form',
    {
      onsubmit: async (event) => {
        event.preventDefault()
        session.set(input.value.trim())
        try {
          await api('GET', '/api/me')
          onKey(input.value.trim())
        } catch (error) {
          session.clear()
          message.textContent = error.status === 401 ? 'That key is unknown or revoked.' : error.message
        }
      },
    },
    h('label', { for: 'api-key' }, 'API key', input),
    h('button', { type: 'submit' }, 'Log in'),
    message,
  )
  show(h('section', { class: 'card login', 'aria-labelledby': 'login-title' }, h('h1', { id: 'login-title' }, 'Log in to simopt'), h('p', { class: 'muted' }, 'Use an API key made with simopt apikey create. It is kept in this browser tab only.'), form))
  input.focus()
}
