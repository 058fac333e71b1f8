/**
 * CPU seconds of the main strategy on one fleet, on the calling thread (no workers), in this process: on a
 * shared machine wall time moves several-fold between runs of the same code, CPU time much less. Prints one
 * JSON line with the cost, bound and gap, so two builds can be run alternately and compared (issue 18).
 *
 *   node dist/bench/cpu-time.js gen SIMS PLANS            (bench/instances.ts, the optimizer table's fleets)
 *   node dist/bench/cpu-time.js KIND SIMS PLANS SEED      (bench/hard-catalogs.ts: hard, realistic, clusters)
 *
 * `SIMOPT_BENCH_OPTIONS='{"searchBudgetMin":3e7}'` runs with those optimizer options (options.ts) instead of the defaults.
 */
import { priceAssignment } from '../src/domain/index.js'
import { lagrangianStrategy, type OptimizerOptions } from '../src/optimizer/index.js'
import { hardFleet, type HardKind } from './hard-catalogs.js'
import { instance } from './instances.js'

const [kind, sims, plans, seed = '1'] = process.argv.slice(2)
const problem = kind === 'gen' ? instance({ sims: Number(sims), plans: Number(plans) }) : hardFleet({ kind: kind as HardKind, sims: Number(sims), plans: Number(plans), seed: Number(seed) })
const tuning = JSON.parse(process.env.SIMOPT_BENCH_OPTIONS ?? '{}') as Partial<OptimizerOptions>
const started = process.cpuUsage()
const result = await lagrangianStrategy(problem, { ...tuning, workers: 0 })
const used = process.cpuUsage(started)
const cost = priceAssignment(problem, result.assignment).total
const gapPct = ((cost - result.lowerBound) / cost) * 100
console.log(JSON.stringify({ fleet: `${kind} ${sims} x ${plans} seed ${seed}`, cpuSeconds: (used.user + used.system) / 1e6, cost, bound: result.lowerBound, gapPct }))
