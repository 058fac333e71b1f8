/**
 * Display formats for the terminal. Money is formatted only in domain/money-format.ts: `formatMoney` with a
 * session's currency, `formatAmount` for files that name none.
 */

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export const formatCount = (value: number): string => countFormat.format(value)
export const formatPercent = (value: number, digits = 1): string => `${value.toFixed(digits)}%`

/** Labels left, values right-aligned, an optional note after the value. */
export function formatTable(rows: readonly (readonly [label: string, value: string, note?: string])[]): string {
  const labelWidth = Math.max(...rows.map(([label]) => label.length))
  const valueWidth = Math.max(...rows.map(([, value]) => value.length))
  return rows
    .map(([label, value, note]) => `  ${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}${note === undefined ? '' : `  ${note}`}`)
    .join('\n')
}

/** A time left, as a person reads it: `about 40 s`, `about 12 min`, `about 2 h 5 min`. */
export function formatTimeLeft(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000))
  if (seconds < 60) return `about ${seconds} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `about ${minutes} min`
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
