/**
 * Solves one benchmark instance with HiGHS in a process of its own (the WebAssembly build aborts the
 * whole process when it runs out of memory) and prints the result as one JSON line.
 * Arguments: SIMS PLANS lp|milp TIME_LIMIT_SECONDS
 */
import { highs } from '../test/helpers/highs.js'
import { solveWithHighs } from '../test/helpers/highs-reference.js'
import { instance } from './instances.js'

const [sims, plans, mode, limit] = process.argv.slice(2)
const problem = instance({ sims: Number(sims), plans: Number(plans) })
const result = solveWithHighs(await highs(), problem, { integer: mode === 'milp', timeLimitSeconds: Number(limit) })
process.stdout.write(`${JSON.stringify({ status: result.status, value: result.value, dualBound: result.dualBound, seconds: result.seconds })}\n`)
