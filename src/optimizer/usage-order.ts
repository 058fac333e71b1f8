/**
 * SIMs in ascending usage, in linear time: stable radix sorts (passes of 11 bits) on bit patterns, which
 * order as the numbers do for usage ≥ 0. A comparison sort of a million SIMs took 0.5 s, longer than the
 * dual evaluations it saved.
 */
const DIGIT_BITS = 11
const BUCKETS = 1 << DIGIT_BITS
/** Which 32-bit half of a float64 holds its sign, exponent and leading mantissa on this machine. */
const HIGH_WORD = new Uint32Array(new Float64Array([1]).buffer)[1] === 0x3ff00000 ? 1 : 0

/**
 * By usage rounded to single precision: usages that agree to about seven digits may come out of order;
 * the one user (`lagrangian.ts`) only reads faster when the order is right and stays exact when it is not.
 */
export function usageOrder(usageMb: Float64Array): Int32Array {
  return stableRadixSort(new Uint32Array(new Float32Array(usageMb).buffer), identity(usageMb.length))
}

/**
 * Exactly the order of `sort((a, b) => usage[a] - usage[b] || a - b)` for usages ≥ 0 (0 and -0 alike):
 * by the low 32 bits of the double, then, stably, by the high 32 bits.
 */
export function exactUsageOrder(usageMb: Float64Array): Int32Array {
  const n = usageMb.length
  const normalized = new Float64Array(n)
  for (let i = 0; i < n; i++) normalized[i] = usageMb[i]! + 0
  const words = new Uint32Array(normalized.buffer)
  const low = new Uint32Array(n)
  for (let i = 0; i < n; i++) low[i] = words[2 * i + 1 - HIGH_WORD]!
  const byLow = stableRadixSort(low, identity(n))
  const high = low
  for (let t = 0; t < n; t++) high[t] = words[2 * byLow[t]! + HIGH_WORD]!
  return stableRadixSort(high, byLow)
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n)
  for (let s = 0; s < n; s++) order[s] = s
  return order
}

/** `order` stably sorted by `keys` (keys[t] is the key of order[t]); both arrays are reused. */
function stableRadixSort(keys: Uint32Array<ArrayBufferLike>, order: Int32Array<ArrayBufferLike>): Int32Array<ArrayBufferLike> {
  const n = keys.length
  let nextKeys: Uint32Array<ArrayBufferLike> = new Uint32Array(n)
  let nextOrder: Int32Array<ArrayBufferLike> = new Int32Array(n)
  const start = new Int32Array(BUCKETS)
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    start.fill(0)
    for (let i = 0; i < n; i++) start[(keys[i]! >>> shift) & (BUCKETS - 1)]!++
    for (let d = 0, sum = 0; d < BUCKETS; d++) {
      const count = start[d]!
      start[d] = sum
      sum += count
    }
    for (let i = 0; i < n; i++) {
      const at = start[(keys[i]! >>> shift) & (BUCKETS - 1)]!++
      nextKeys[at] = keys[i]!
      nextOrder[at] = order[i]!
    }
    ;[keys, nextKeys] = [nextKeys, keys]
    ;[order, nextOrder] = [nextOrder, order]
  }
  return order
}
