// Numbers and times as people read them; money rounded to the currency's minor unit only here, for display,
// with the options of the server's domain/money-format.ts (the API says which currency: default USD).
const moneyFormats = new Map()
const countFormat = new Intl.NumberFormat('en-US')

function moneyFormat(currency) {
  if (!moneyFormats.has(currency)) moneyFormats.set(currency, new Intl.NumberFormat('en-US', { style: 'currency', currency }))
  return moneyFormats.get(currency)
}

export const money = (value, currency = 'USD') => (value === null || value === undefined ? '–' : moneyFormat(currency).format(value))
export const count = (value) => (value === null || value === undefined ? '–' : countFormat.format(value))
export const percent = (value, digits = 1) => (value === null || value === undefined ? '–' : `${value.toFixed(digits)}%`)
export const mb = (value) => `${value.toFixed(value < 10 ? 3 : 1)} MB`
const timeFormats = new Map()
/** `2026-12-07 05:52 UTC`: in the tenant's time zone when the API says it (as the server's domain/time-format.ts), else the browser's. */
export function time(ms, timeZone) {
  if (ms === null || ms === undefined) return '–'
  if (timeZone === undefined) return new Date(ms).toLocaleString()
  if (!timeFormats.has(timeZone)) timeFormats.set(timeZone, new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }))
  return `${timeFormats.get(timeZone).format(ms).replace(', ', ' ')} ${timeZone}`
}
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
export const timeLeft = (ms) => {
  const minutes = Math.round(ms / 60000)
  if (ms < 60000) return `about ${Math.max(1, Math.round(ms / 1000))} s`
  return minutes < 60 ? `about ${minutes} min` : `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
