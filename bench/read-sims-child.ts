/**
 * The e2e bench's yardstick (issue 18): the simplest fast code a person would write to read `sims.csv` and
 * parse its numbers. Run as its own process, like `simopt optimize`, so both pay Node's start-up.
 * `node read-sims-child.js <sims.csv>` prints the row count and the usage total (so nothing is optimized away).
 */
import { readFileSync } from 'node:fs'

/** A string holds at most 2^29 - 24 characters: a larger file (10M SIMs) is decoded in slices cut at line ends. */
const SLICE_BYTES = 256 * 1024 * 1024

const bytes = readFileSync(process.argv[2]!)
let column = -1
let usage = new Float64Array(1024)
let count = 0
for (let start = 0; start < bytes.length; ) {
  const end = start + SLICE_BYTES >= bytes.length ? bytes.length : bytes.lastIndexOf(10, start + SLICE_BYTES) + 1
  const lines = bytes.toString('utf8', start, end).split('\n')
  let first = 0
  if (column < 0) {
    column = lines[0]!.split(',').indexOf('usage_mb')
    first = 1
  }
  if (usage.length < count + lines.length) {
    const grown = new Float64Array(Math.max(2 * usage.length, count + lines.length))
    grown.set(usage.subarray(0, count))
    usage = grown
  }
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!
    if (line !== '') usage[count++] = Number(line.split(',')[column])
  }
  start = end
}
let total = 0
for (let i = 0; i < count; i++) total += usage[i]!
console.log(JSON.stringify({ count, total }))
