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
export const time = (ms) => (ms === null || ms === undefined ? '–' : new Date(ms).toLocaleString())
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
