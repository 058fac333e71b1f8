/**
 * Money as people read it, in the account's currency: the one place that rounds money (to the currency's
 * minor unit) for display, for the terminal, the e-mail and the workbook's number formats. The dashboard's
 * `web/public/format.js` formats with the same `Intl` options.
 */

/** Money is in US dollars unless the provider's `currency` setting says otherwise. */
export const DEFAULT_CURRENCY = 'USD'

/** @returns whether `code` is an ISO 4217 currency code this runtime formats (`USD`, `EUR`, …). */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code)
}

const formats = new Map<string, Intl.NumberFormat>()

function currencyFormat(currency: string): Intl.NumberFormat {
  let format = formats.get(currency)
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency })
    formats.set(currency, format)
  }
  return format
}

/** `$1,234.56`, `-€6.09`, `CA$3.00`: the amount with its currency, rounded to the currency's minor unit. */
export function formatMoney(value: number, currency: string = DEFAULT_CURRENCY): string {
  return currencyFormat(currency).format(value)
}

/** The amount alone, `1,234.56`, for columns whose heading names the currency. */
export function formatAmount(value: number, currency: string = DEFAULT_CURRENCY): string {
  return currencyFormat(currency)
    .formatToParts(value)
    .filter((part) => part.type !== 'currency' && part.type !== 'literal')
    .map((part) => part.value)
    .join('')
}

/** The currency's symbol as `formatMoney` writes it: `$`, `€`, `CA$`. */
export function currencySymbol(currency: string = DEFAULT_CURRENCY): string {
  return currencyFormat(currency).formatToParts(0).find((part) => part.type === 'currency')?.value ?? currency
}

/**
 * A spreadsheet number format for amounts in `currency`: the symbol, thousands separators and the currency's
 * decimals, negatives with a minus (`"€"#,##0.00;-"€"#,##0.00`).
 */
export function moneyNumberFormat(currency: string = DEFAULT_CURRENCY): string {
  const digits = currencyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2
  const number = digits > 0 ? `#,##0.${'0'.repeat(digits)}` : '#,##0'
  const text = currencySymbol(currency).replaceAll('"', '')
  // A code for a symbol (`CHF`) is set off by a space, as Intl writes it.
  const symbol = `"${/[A-Za-z]$/.test(text) ? `${text} ` : text}"`
  return `${symbol}${number};-${symbol}${number}`
}
