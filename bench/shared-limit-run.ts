/**
 * Issue 22's figure for the carrier call limit across workers: two limiters on their own Redis connections
 * (as two `simopt worker` processes have) calling one Jasper simulator account at its cap, with the budget
 * shared through Redis and without. Calls per second achieved, calls refused as over the cap, calls sent.
 *   npm run bench -- --sections shared-limit, or alone:
 *   npm run build && node dist/bench/shared-limit-run.js [cap=20] [calls each=60]
 * Needs Redis (SIMOPT_BENCH_REDIS_URL, default redis://127.0.0.1:6379); its keys are removed at the end.
 */
import { Redis } from 'ioredis'
import { CallLimiter, JasperClient, redisCallBudget } from '../src/carriers/index.js'
import { startJasperSimulator } from '../src/carriers/jasper/simulator/jasper-simulator.js'

const REDIS_URL = process.env.SIMOPT_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface SharedLimitFigures {
  readonly shared: boolean
  readonly cap: number
  readonly calls: number
  readonly seconds: number
  readonly callsPerSecond: number
  readonly refusedOverCap: number
  /** Calls that reached the carrier, retries of refused ones included. */
  readonly sent: number
}

export async function sharedLimitRun(shared: boolean, cap: number, callsEach: number): Promise<SharedLimitFigures> {
  const simulator = await startJasperSimulator({ sims: 50, seed: 5, rateLimit: cap })
  const connections = [new Redis(REDIS_URL), new Redis(REDIS_URL)]
  const prefix = `simopt-bench-limit-${process.pid}-${Date.now()}`
  try {
    const iccids = simulator.fleet.devices().map((device) => device.iccid)
    const started = performance.now()
    await Promise.all(
      connections.map(async (connection, worker) => {
        const limiter = new CallLimiter({ callsPerSecond: cap, maxInFlight: 1, shared: shared ? redisCallBudget(async () => connection, prefix, 'account') : undefined })
        const client = new JasperClient({ baseUrl: simulator.url, user: simulator.user, apiKey: simulator.apiKey, limiter })
        for (let i = 0; i < callsEach; i++) await client.deviceDetails(iccids[(worker * callsEach + i) % iccids.length]!)
      }),
    )
    const seconds = (performance.now() - started) / 1000
    return {
      shared,
      cap,
      calls: 2 * callsEach,
      seconds: Number(seconds.toFixed(2)),
      callsPerSecond: Number(((2 * callsEach) / seconds).toFixed(2)),
      refusedOverCap: simulator.stats.rejections['40000029'] ?? 0,
      sent: Object.values(simulator.stats.calls).reduce((sum, count) => sum + count, 0),
    }
  } finally {
    await connections[0]!.del(`${prefix}:carrier-calls:account:window`, `${prefix}:carrier-calls:account:in-flight`)
    for (const connection of connections) connection.disconnect()
    await simulator.close()
  }
}

export function printSharedLimitRuns(runs: readonly SharedLimitFigures[]): void {
  console.log('\n## One carrier call limit across two workers (issue 22): two limiters on one simulator account, budget shared through Redis or not\n')
  console.log('| shared | cap (calls/s) | calls | seconds | calls/s reached | refused over the cap | sent |\n|---|---|---|---|---|---|---|')
  for (const run of runs) console.log(`| ${run.shared ? 'yes' : 'no'} | ${run.cap} | ${run.calls} | ${run.seconds} | ${run.callsPerSecond} | ${run.refusedOverCap} | ${run.sent} |`)
}

if (import.meta.filename === process.argv[1]) {
  const cap = Number(process.argv[2] ?? 20)
  const callsEach = Number(process.argv[3] ?? 60)
  for (const shared of [true, false]) process.stdout.write(`${JSON.stringify(await sharedLimitRun(shared, cap, callsEach))}\n`)
}
