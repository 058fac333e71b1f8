// Charts as inline SVG, drawn from numbers the server has already aggregated.
import { svg } from './dom.js'
import { money } from './format.js'

/** Columns, one per point (savings per month); `label` under each, the value as its tooltip. */
export function columnChart(points, { title, color = 'var(--after)', currency }) {
  const width = 760
  const height = 220
  const pad = { top: 16, right: 12, bottom: 28, left: 70 }
  const max = Math.max(1, ...points.map((point) => point.value))
  const slot = (width - pad.left - pad.right) / Math.max(1, points.length)
  const y = (value) => pad.top + (height - pad.top - pad.bottom) * (1 - Math.max(0, value) / max)
  return svg(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': `${title}: ${points.map((p) => `${p.label} ${money(p.value, currency)}`).join(', ') || 'no data yet'}` },
    svg('title', {}, title),
    axis(max, width, pad, y, currency),
    points.map((point, i) =>
      svg(
        'g',
        {},
        svg('rect', { x: pad.left + i * slot + slot * 0.2, y: y(point.value), width: slot * 0.6, height: height - pad.bottom - y(point.value), fill: color }, svg('title', {}, `${point.label}: ${money(point.value, currency)}`)),
        svg('text', { x: pad.left + i * slot + slot / 2, y: height - 10, 'text-anchor': 'middle' }, point.label),
      ),
    ),
  )
}

/** Horizontal bars in pairs, before and after, one pair per line (cost by plan). */
export function pairedBars(lines, { title }) {
  const rowHeight = 26
  const width = 760
  const pad = { top: 10, right: 90, bottom: 10, left: 170 }
  const height = pad.top + pad.bottom + rowHeight * lines.length
  const max = Math.max(1, ...lines.flatMap((line) => [line.before, line.after]))
  const x = (value) => ((width - pad.left - pad.right) * value) / max
  return svg(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': `${title}: ${lines.map((l) => `${l.label} before ${money(l.before)}, after ${money(l.after)}`).join('; ')}` },
    svg('title', {}, title),
    lines.map((line, i) => {
      const top = pad.top + i * rowHeight
      return svg(
        'g',
        {},
        svg('text', { x: pad.left - 8, y: top + rowHeight / 2 + 4, 'text-anchor': 'end' }, line.label),
        svg('rect', { x: pad.left, y: top + 3, width: x(line.before), height: 9, fill: 'var(--before)' }, svg('title', {}, `${line.label} before: ${money(line.before)}`)),
        svg('rect', { x: pad.left, y: top + 13, width: x(line.after), height: 9, fill: 'var(--after)' }, svg('title', {}, `${line.label} after: ${money(line.after)}`)),
        // Each bar its own value, at its end: before above, after below.
        svg('text', { class: 'bar-value before', x: pad.left + x(line.before) + 4, y: top + 11, 'font-size': 10 }, money(line.before)),
        svg('text', { class: 'bar-value after', x: pad.left + x(line.after) + 4, y: top + 21, 'font-size': 10 }, money(line.after)),
      )
    }),
  )
}

function axis(max, width, pad, y, currency) {
  const ticks = [0, 0.5, 1].map((share) => share * max)
  return ticks.map((value) =>
    svg(
      'g',
      {},
      svg('line', { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value), stroke: 'var(--line)' }),
      svg('text', { x: pad.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, money(value, currency)),
    ),
  )
}
