// Building the page from data: text always goes in as text (never as HTML), so nothing a carrier or a
// user typed can run as script.

/** An element with attributes (on* are listeners) and children (strings, nodes, arrays; null skipped). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag)
  setAttributes(element, attributes)
  append(element, children)
  return element
}

/** An SVG element, same rules. */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag)
  setAttributes(element, attributes)
  append(element, children)
  return element
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value)
    else element.setAttribute(name, value === true ? '' : String(value))
  }
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    element.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

/** Replaces the page's content (children as for `h`) and moves focus to it (screen readers hear the new page). */
export function show(...children) {
  const main = document.getElementById('main')
  main.replaceChildren()
  append(main, children)
  main.focus({ preventScroll: true })
}

/** A short message in the corner, read out by screen readers. */
export function say(message) {
  const status = document.getElementById('status')
  status.textContent = message
  clearTimeout(say.timer)
  say.timer = setTimeout(() => (status.textContent = ''), 5000)
}

export function figure(label, value, note) {
  return h('div', { class: 'figure' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), note ? h('div', { class: 'muted' }, note) : null)
}

export function statusBadge(status) {
  return h('span', { class: `status ${status}` }, status)
}

/** A billing period field (`YYYY-MM`), the current UTC month filled in: what a session start asks for. */
export function periodInput(id) {
  const now = new Date()
  return h('input', { id, name: 'period', required: true, pattern: '\\d{4}-(0[1-9]|1[0-2])', value: `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}` })
}
