/**
 * The e2e bench's yardstick (issue 18): the simplest fast code a person would write to read `sims.csv` and
 * parse its numbers. Run as its own process, like `simopt optimize`, so both pay Node's start-up.
 * `node read-sims-child.js <sims.csv>` prints the row count and the usage total (so nothing is optimized away).
 */
import { readFileSync } from 'node:fs'

const text = readFileSync(process.argv[2]!, 'utf8')
const lines = text.split('\n')
const column = lines[0]!.split(',').indexOf('usage_mb')
const usage = new Float64Array(lines.length)
let count = 0
for (let i = 1; i < lines.length; i++) {
  const line = lines[i]!
  if (line !== '') usage[count++] = Number(line.split(',')[column])
}
let total = 0
for (let i = 0; i < count; i++) total += usage[i]!
console.log(JSON.stringify({ count, total }))
