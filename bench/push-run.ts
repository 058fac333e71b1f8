/**
 * Issue 7's figure: 10,000 rate plan changes pushed to the Jasper simulator at its 5 calls a second, by
 * the push stage as the service runs it (a worker on the local queue, the account's call limiter). The
 * session comes from `simopt import` and `run --no-sync`; its change list is then set to 10,000 approved
 * changes (a SIM each, to another plan its communication plan allows), so the figure is for exactly that
 * many. Verification is put off: this measures the push.
 */
import path from 'node:path'
import { startJasperSimulator } from '../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../src/carriers/jasper/simulator/simulated-fleet.js'
import { loadConfig } from '../src/config.js'
import { billingPeriodAt } from '../src/domain/index.js'
import { recordJobs } from '../src/jobs/job-log.js'
import { job } from '../src/jobs/job.js'
import { LocalQueue } from '../src/jobs/local-queue.js'
import { startWorker } from '../src/jobs/worker.js'
import { insertRows } from '../src/store/bulk-insert.js'
import { openStore } from '../src/store/database.js'
import { measureNodeProcess } from './measure.js'

const CLI = path.join(import.meta.dirname, '../src/cli/main.js')

export interface PushFigures {
  readonly changes: number
  readonly limit: number
  readonly seconds: number
  readonly putCalls: number
  readonly refused: number
  readonly serverErrors: number
  readonly retries: number
  readonly pushed: number
}

async function simopt(env: Record<string, string>, args: readonly string[]) {
  const run = await measureNodeProcess(CLI, args, Infinity, env)
  if (run.code !== 0) throw new Error(`simopt ${args[0]} failed (exit ${run.code}): ${run.stderr}`)
  return run
}

export async function pushRun(folder: string, changes = 10_000, limit = 5): Promise<PushFigures> {
  // More SIMs than changes: some communication plans allow a single plan, and their SIMs cannot change.
  const simulator = await startJasperSimulator({ sims: Math.ceil(changes * 1.3), seed: 13, rateLimit: limit })
  const env = {
    SIMOPT_DATABASE_URL: `sqlite:${path.join(folder, 'push.db')}`,
    SIMOPT_SECRET_KEY: 'benchmark key, long enough',
    SIMOPT_QUEUE: 'local',
    SIMOPT_VERIFY_DELAY_MS: '86400000',
    SIMOPT_MAX_PAGES_PER_JOB: '50',
    // The simulator listens on 127.0.0.1.
    SIMOPT_ALLOW_PRIVATE_CARRIER_URLS: 'true',
  }
  const store = openStore(env.SIMOPT_DATABASE_URL)
  try {
    await simopt(env, ['provider', 'add', '--tenant', 'bench', '--name', 'sim', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', String(limit)])
    const files = await writeSimulatedPriceSheet(path.join(folder, 'push-fleet'), simulator.fleet)
    const period = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
    await simopt(env, ['import', '--tenant', 'bench', '--provider', 'sim', '--period', period, '--plans', files.plans, '--pools', files.pools, '--comm-plans', files.commPlans, '--sims', files.sims])
    const run = await simopt(env, ['run', '--tenant', 'bench', '--provider', 'sim', '--period', period, '--no-sync', '--wait'])
    const session = run.stdout.split('\n')[0]!
    const instance = await store.db.selectFrom('instances').select('id').where('session_id', '=', session).executeTakeFirstOrThrow()

    const movable = simulator.fleet.devices().filter((device) => simulator.fleet.otherAllowedPlan(device) !== device.ratePlan).slice(0, changes)
    if (movable.length < changes) throw new Error(`the simulated fleet has only ${movable.length} SIMs that can change plan`)
    const now = Date.now()
    await store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('changes').where('instance_id', '=', instance.id).execute()
      await insertRows(
        trx,
        store.dialect,
        'changes',
        movable.map((device) => ({
          instance_id: instance.id,
          iccid: device.iccid,
          old_plan: device.ratePlan,
          new_plan: simulator.fleet.otherAllowedPlan(device),
          saving: 0,
          status: 'approved',
          updated_at: now,
          approved_by: 'bench',
          approved_at: now,
        })),
      )
      await recordJobs(trx, [job('push-changes', instance.id, 'bench')])
    })
    await simopt(env, ['provider', 'set', '--tenant', 'bench', '--name', 'sim', '--write-enabled'])

    const config = loadConfig(env)
    const queue = new LocalQueue(store, 'bench-pusher', config.jobLeaseMs)
    const started = performance.now()
    const worker = await startWorker(config, store, queue, 'bench-pusher', 1)
    try {
      for (;;) {
        const left = await store.db.selectFrom('changes').select((eb) => eb.fn.countAll<number>().as('n')).where('instance_id', '=', instance.id).where('status', 'in', ['approved', 'pushing']).executeTakeFirstOrThrow()
        if (Number(left.n) === 0) break
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    } finally {
      await worker.stop()
    }
    const seconds = (performance.now() - started) / 1000
    const pushed = await store.db.selectFrom('changes').select((eb) => eb.fn.countAll<number>().as('n')).where('instance_id', '=', instance.id).where('status', '=', 'pushed').executeTakeFirstOrThrow()
    const putCalls = simulator.stats.calls['PUT /devices/{iccid}'] ?? 0
    return {
      changes,
      limit,
      seconds,
      putCalls,
      refused: simulator.stats.rejections['40000029'] ?? 0,
      serverErrors: simulator.stats.rejections['30000001'] ?? 0,
      retries: putCalls - changes,
      pushed: Number(pushed.n),
    }
  } finally {
    await store.close()
    await simulator.close()
  }
}

export function printPushRun(row: PushFigures): void {
  console.log('\n## Rate plan changes pushed to the Jasper simulator\n')
  console.log('| changes | limit calls/s | pushed | seconds | changes/s achieved | PUT calls | retries | refused (40000029) |')
  console.log('|---|---|---|---|---|---|---|---|')
  console.log(
    `| ${row.changes.toLocaleString('en-US')} | ${row.limit} | ${row.pushed.toLocaleString('en-US')} | ${row.seconds.toFixed(1)} | ${(row.pushed / row.seconds).toFixed(2)} | ${row.putCalls.toLocaleString('en-US')} | ${row.retries} | ${row.refused} |`,
  )
}
