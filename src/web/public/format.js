// Numbers and times as people read them; money rounded to cents only here, for display.
const moneyFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const countFormat = new Intl.NumberFormat('en-US')

export const money = (value) => (value === null || value === undefined ? '–' : moneyFormat.format(value))
export const count = (value) => (value === null || value === undefined ? '–' : countFormat.format(value))
export const percent = (value, digits = 1) => (value === null || value === undefined ? '–' : `${value.toFixed(digits)}%`)
export const mb = (value) => `${value.toFixed(value < 10 ? 3 : 1)} MB`
export const time = (ms) => (ms === null || ms === undefined ? '–' : new Date(ms).toLocaleString())
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
export const timeLeft = (ms) => {
  const minutes = Math.round(ms / 60000)
  if (ms < 60000) return `about ${Math.max(1, Math.round(ms / 1000))} s`
  return minutes < 60 ? `about ${minutes} min` : `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
