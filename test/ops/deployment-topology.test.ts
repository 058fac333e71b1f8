/**
 * The deployment of deploy/compose.yaml, as processes on loopback: PostgreSQL, Redis, one API process
 * (`serve --no-worker`) and two `simopt worker` processes, each serving its own /metrics. Two tenants whose
 * providers use one Jasper account (the simulator) each start a session through the API; the two workers
 * sync them at once, and one is killed with SIGKILL mid-sync (a replacement starts, as an orchestrator would
 * start one). Both sessions end done with every SIM priced once, and the account's call cap held across the
 * workers: the carrier refused nothing, and never had two calls in flight.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { after, describe, it, type TestContext } from 'node:test'
import { startJasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { SIMULATED_CYCLE, writeSimulatedPriceSheet } from '../../src/carriers/jasper/simulator/simulated-fleet.js'
import { billingPeriodAt } from '../../src/domain/index.js'
import { call } from '../helpers/api-server.js'
import { freshPostgresDatabase, freshRedisPrefix } from '../helpers/services.js'
import { eventually, postgresBullmq, simopt, simoptOk, sqliteLocal, startListeningProcess, stopWorkerProcess, storeFor, type ListeningProcess } from '../helpers/service-env.js'
import { tempDir } from '../helpers/temp-dir.js'

const CALLS_PER_SECOND = 20
const SIMS = 100
const TENANTS = ['acme', 'beta']
const LEASE_MS = 2000

/** The worker process of a job's holder, by the pid in the jobs table's `locked_by` (host/pid/suffix). */
function holderOf(lockedBy: string, workers: readonly ListeningProcess[]): ListeningProcess | undefined {
  const pid = Number(lockedBy.split('/')[1])
  return workers.find((worker) => worker.child.pid === pid)
}

describe('the deployment topology as processes', () => {
  it('API tier + two workers on PostgreSQL and Redis: a worker killed mid-sync, both sessions done, the account\'s cap kept across workers', async (t: TestContext) => {
    const databaseUrl = await freshPostgresDatabase(t)
    if (databaseUrl === undefined) return
    const redis = await freshRedisPrefix(t)
    if (redis === undefined) return
    const folder = await tempDir('simopt-topology-')
    const simulator = await startJasperSimulator({ sims: SIMS, seed: 11, rateLimit: CALLS_PER_SECOND })
    after(() => simulator.close())
    const env = {
      ...postgresBullmq(databaseUrl, redis, LEASE_MS),
      SIMOPT_SECRET_KEY: 'topology test key, long enough',
      SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox'),
      SIMOPT_LOG_LEVEL: 'warn',
      // Short sync jobs: each session's sync goes back and forth between the workers.
      SIMOPT_MAX_PAGES_PER_JOB: '10',
    }
    const period = billingPeriodAt(Date.now(), SIMULATED_CYCLE).name
    const prices = await writeSimulatedPriceSheet(path.join(folder, 'prices'), simulator.fleet)
    await simoptOk(env, ['db', 'migrate'])
    const keys = new Map<string, string>()
    for (const tenant of TENANTS) {
      // Each provider may use the whole account's cap: only counting their calls together keeps them within it.
      await simoptOk(env, ['provider', 'add', '--tenant', tenant, '--name', 'jasper', '--url', simulator.url, '--user', simulator.user, '--api-key', simulator.apiKey, '--calls-per-second', String(CALLS_PER_SECOND), '--calls-in-flight', '1'])
      await simoptOk(env, ['import', '--tenant', tenant, '--provider', 'jasper', '--period', period, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
      keys.set(tenant, (await simoptOk(env, ['apikey', 'create', '--tenant', tenant, '--role', 'operator', '--name', 'topology'])).stdout.trim())
    }

    const processes: ListeningProcess[] = []
    const store = storeFor(env)
    try {
      await sessionsThroughTheTopology()
    } finally {
      // Here, not in an `after`: the database's own `after` drops it, which must come last.
      await Promise.all(processes.map((process) => stopWorkerProcess(process.child)))
      await store.close()
    }

    async function sessionsThroughTheTopology(): Promise<void> {
      const startWorker = async () => {
        const worker = await startListeningProcess(env, ['worker', '--concurrency', '1', '--port', '0'])
        processes.push(worker)
        return worker
      }
      const api = await startListeningProcess(env, ['serve', '--no-worker', '--port', '0'])
      processes.push(api)
      assert.match(api.stderr(), /no worker and no scheduler here/)
      const workers = [await startWorker(), await startWorker()]

      const sessions = new Map<string, string>()
      for (const tenant of TENANTS) {
        const started = await call(api, 'POST', '/api/sessions', { key: keys.get(tenant)!, body: { provider: 'jasper', period } })
        assert.equal(started.status, 201, JSON.stringify(started.body))
        sessions.set(tenant, started.body.id as string)
      }

      // Mid-sync: both sessions syncing, each with jobs done, one job in hand. Its worker dies with it.
      const victim = await eventually('a sync job in hand while both sessions sync', async () => {
        const jobs = await store.db.selectFrom('jobs').select(['id', 'type', 'status', 'locked_by']).where('type', 'like', 'sync-%').execute()
        const active = jobs.find((job) => job.status === 'active' && job.locked_by !== null)
        return jobs.filter((job) => job.status === 'done').length >= 4 && active !== undefined ? active : undefined
      })
      const killed = holderOf(victim.locked_by!, workers)
      assert.ok(killed !== undefined, `the job's holder ${victim.locked_by} is one of the workers`)
      killed.child.kill('SIGKILL')
      workers.push(await startWorker())

      for (const [tenant, sessionId] of sessions) {
        const status = await eventually(
          `session ${sessionId} to end`,
          async () => {
            const detail = await call(api, 'GET', `/api/sessions/${sessionId}`, { key: keys.get(tenant)! })
            return ['done', 'failed', 'cancelled'].includes(detail.body.status) ? detail.body : undefined
          },
          180_000,
        )
        assert.equal(status.status, 'done', JSON.stringify(status))
      }

      // The job the dead worker held was done by another, after its lease ran out.
      const retaken = await store.db.selectFrom('jobs').select(['status', 'locked_by', 'attempts']).where('id', '=', victim.id).executeTakeFirstOrThrow()
      assert.equal(retaken.status, 'done')
      assert.ok(retaken.attempts >= 2, `delivered again after the kill (attempts ${retaken.attempts})`)
      assert.notEqual(holderOf(retaken.locked_by!, workers), killed, `finished by another worker, got ${retaken.locked_by}`)

      // The right result, for each session: every device of the account priced exactly once, on the plan it is
      // on at the carrier, the totals those of the rows.
      const devices = new Map(simulator.fleet.devices().map((device) => [device.iccid, device]))
      for (const sessionId of sessions.values()) {
        const instance = await store.db.selectFrom('instances').select(['id', 'sims', 'cost_before', 'cost_after', 'components_done', 'component_count']).where('session_id', '=', sessionId).executeTakeFirstOrThrow()
        const rows = await store.db.selectFrom('results').select(['iccid', 'monthly_after', 'overage_after', 'sms_after', 'current_plan']).where('instance_id', '=', instance.id).execute()
        assert.equal(new Set(rows.map((row) => row.iccid)).size, rows.length, 'no SIM twice')
        assert.equal(rows.length, simulator.fleet.size)
        assert.equal(rows.length, instance.sims)
        for (const row of rows) assert.equal(row.current_plan, devices.get(row.iccid)?.ratePlan, `${row.iccid} priced on the plan it is on at the carrier`)
        const costAfter = rows.reduce((sum, row) => sum + row.monthly_after + row.overage_after + row.sms_after, 0)
        assert.ok(Math.abs(costAfter - instance.cost_after!) < 0.01, `cost after ${instance.cost_after} is the sum of the rows, ${costAfter}`)
        assert.ok(instance.cost_after! <= instance.cost_before!)
        assert.equal(instance.components_done, instance.component_count)
      }

      // Two workers, one account: never over its cap, never two calls at once.
      assert.equal(simulator.stats.rejections['40000029'], undefined, `refused as over the cap: ${JSON.stringify(simulator.stats.rejections)}`)
      assert.equal(simulator.stats.maxInFlight, 1)

      // Each process observable on its own: a worker's carrier calls and jobs, the API's fleet and requests.
      const survivor = workers.find((worker) => worker !== killed)!
      assert.deepEqual(await (await fetch(`${survivor.url}/healthz`)).json(), { status: 'ok' })
      assert.deepEqual(await (await fetch(`${survivor.url}/readyz`)).json(), { status: 'ready' })
      const workerMetrics = await (await fetch(`${survivor.url}/metrics`)).text()
      assert.match(workerMetrics, /^simopt_carrier_calls_total\{tenant="(acme|beta)",provider="jasper"\} [1-9]\d*$/m)
      assert.match(workerMetrics, /^simopt_jobs_done_total\{type="sync-usage"\} [1-9]\d*$/m)
      assert.match(workerMetrics, /^nodejs_eventloop_lag_seconds /m)
      assert.doesNotMatch(workerMetrics, /^simopt_sessions\{/m, 'fleet figures come from the API tier only')
      const apiMetrics = await (await fetch(`${api.url}/metrics`)).text()
      assert.match(apiMetrics, /^simopt_sessions\{status="done"\} 2$/m)
      assert.match(apiMetrics, /^simopt_http_requests_total\{method="POST",route="\/api\/sessions",status="201"\} 2$/m)
      assert.doesNotMatch(apiMetrics, /^simopt_jobs_done_total\{/m, 'the API tier works no jobs')
    }
  })

  it('serve warns when SIMOPT_SECRET_KEY is unset and worker processes would make another key', async () => {
    const folder = await tempDir('simopt-secret-')
    const env = { ...sqliteLocal(folder), SIMOPT_SECRET_KEY_FILE: path.join(folder, 'secret.key'), SIMOPT_LOG_LEVEL: 'warn' }
    const alone = await startListeningProcess(env, ['serve', '--port', '0'])
    await stopWorkerProcess(alone.child)
    assert.doesNotMatch(alone.stderr(), /SIMOPT_SECRET_KEY/, 'one process on SQLite: its own key file is the only one')
    const apiTier = await startListeningProcess(env, ['serve', '--no-worker', '--port', '0'])
    await stopWorkerProcess(apiTier.child)
    assert.match(apiTier.stderr(), /warning: SIMOPT_SECRET_KEY is unset: carrier credentials are encrypted with the key in .*secret\.key.*Set SIMOPT_SECRET_KEY to the same value on every process/)
  })

  it('refuses --no-worker with --concurrency, and a worker port in use, saying what to do', async () => {
    const env = sqliteLocal(await tempDir('simopt-refusals-'))
    const both = await simopt(env, ['serve', '--no-worker', '--concurrency', '2'])
    assert.equal(both.code, 2)
    assert.match(both.stderr, /--concurrency is for the worker, and --no-worker runs none/)
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    try {
      const port = (taken.address() as AddressInfo).port
      const worker = await simopt(env, ['worker', '--port', String(port)])
      assert.equal(worker.code, 2)
      assert.match(worker.stderr, new RegExp(`worker port ${port} on 127\\.0\\.0\\.1: .*EADDRINUSE.*give a free one with --port or SIMOPT_WORKER_PORT`))
    } finally {
      taken.close()
    }
  })
})
