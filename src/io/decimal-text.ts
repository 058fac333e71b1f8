/**
 * Numbers as text, the same as `String(value)`, quicker for the values a million-row file is made of:
 * money rounded to millionths and usage in a few decimals. Such a value is an integer count of millionths
 * `scaled` over 1e6; when that count is below 1e15 the decimal has at most 15 significant digits, and two
 * different decimals of at most 15 digits never round to the same double, so the shortest text that reads
 * back as the value (what String() writes) is that decimal itself: the whole part, then the millionths
 * without trailing zeros. Anything else goes to String().
 */
const SCALE = 1e6
const LIMIT = 1e15

/** `000`..`999`. */
const PADDED = Array.from({ length: 1000 }, (_, k) => String(k).padStart(3, '0'))
/** The same without trailing zeros (`100` is `1`); unused for 0. */
const TRIMMED = PADDED.map((text) => text.replace(/0+$/, ''))

/** `String(value)`. */
export function decimalText(value: number): string {
  const scaled = Math.round(value * SCALE)
  return scaled >= 1 && scaled < LIMIT && scaled / SCALE === value ? millionthsText(scaled) : String(value)
}

/** `String(Math.round(value * 1e6) / 1e6)`: money to the micro-unit the cost model attributes pool charges in. */
export function moneyText(value: number): string {
  const scaled = Math.round(value * SCALE)
  return scaled >= 1 && scaled < LIMIT ? millionthsText(scaled) : String(scaled / SCALE)
}

function millionthsText(scaled: number): string {
  const fraction = scaled % SCALE
  const whole = (scaled - fraction) / SCALE
  if (fraction === 0) return `${whole}`
  const low = fraction % 1000
  const high = (fraction - low) / 1000
  return low === 0 ? `${whole}.${TRIMMED[high]!}` : `${whole}.${PADDED[high]!}${TRIMMED[low]!}`
}
