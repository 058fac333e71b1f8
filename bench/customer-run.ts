/**
 * Customer optimization (issue 20): a tenant with `customers` customers and `sims` SIMs across two carrier
 * accounts, all customers in one customer session, end to end (start to the consolidated e-mail queued), on
 * SQLite (`simopt run --wait`, its worker running two jobs at a time) and on PostgreSQL with two
 * `simopt worker` processes. Prints the seconds, the gap per customer (worst, median) and the savings against
 * the customers' current plans and against the old method (summed over customers).
 *
 * `npm run bench -- --sections customer [--customer-sims 300000 --customers 200]`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { loadavg } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { SimTableBuilder, createProblem } from '../src/domain/index.js'
import { customerOutcomes, ensurePeriod, ensureProvider, ensureTenant, importFleet, inTransaction, migrate, openStore, replaceCustomerSheet, sessionStatus } from '../src/store/index.js'
import { benchCustomerFleet } from './customer-fleet.js'
import { measureNodeProcess } from './measure.js'

const CLI = path.join(import.meta.dirname, '../src/cli/main.js')
const POSTGRES_ADMIN_URL = process.env.SIMOPT_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const TENANT = 'bench-customers'
const PERIOD = '2026-11'

export interface CustomerFigures {
  readonly database: string
  readonly workers: string
  readonly customers: number
  readonly sims: number
  readonly importSeconds: number
  readonly runSeconds: number
  readonly worstGapPct: number
  readonly medianGapPct: number
  readonly billBefore: number
  readonly billAfter: number
  /** Bound, old method and cost after on the same measure (the bill with shared pools whole). */
  readonly costAfter: number
  readonly baselineCost: number
  readonly changes: number
  readonly loadAverage: number
}

async function importTenant(url: string, customers: number, sims: number): Promise<number> {
  const started = performance.now()
  const fleet = benchCustomerFleet(customers, sims)
  const store = openStore(url)
  try {
    await migrate(store)
    await inTransaction(store, async (trx) => {
      const tenantId = await ensureTenant(trx, TENANT)
      for (const account of [0, 1]) {
        const provider = await ensureProvider(trx, tenantId, `carrier-${account}`, { integration: 'files', timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0, settings: {} })
        const period = await ensurePeriod(trx, provider, PERIOD)
        const table = new SimTableBuilder(sims)
        for (const [i, sim] of fleet.sheet.sims.entries()) {
          if (fleet.provider[i] === account) table.add({ iccid: sim.iccid, usageMb: sim.usageMb, sms: sim.sms, commPlan: 0, currentPlan: 0, daysActive: 30, autoChange: true })
        }
        const plans = [{ code: 'M2M-1GB', monthlyRate: 5, includedMb: 1024, overageBlockMb: 1, overageBlockPrice: 0.01, smsRate: 0.01, pooled: true }]
        const problem = createProblem({ plans, commPlans: [{ name: 'M2M', allowedPlans: [0] }], sims: table.build(), billing: { periodDays: 30, prorate: false } })
        await importFleet(trx, store.dialect, provider, period, problem)
      }
      const members = fleet.sheet.sims.map((sim) => ({ iccid: sim.iccid, customer: sim.customer, customerName: fleet.names.get(sim.customer)!, plan: fleet.sheet.plans[sim.plan]!.code, billInAdvance: sim.billInAdvance }))
      await replaceCustomerSheet(trx, store.dialect, tenantId, fleet.sheet.plans, fleet.sheet.poolDefinitions, members)
    })
  } finally {
    await store.close()
  }
  return (performance.now() - started) / 1000
}

function workerProcess(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--max-old-space-size=4096', CLI, 'worker', '--concurrency', '1'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  return child
}

async function runSession(database: string, url: string, folder: string, customers: number, sims: number, workers: number): Promise<CustomerFigures> {
  const importSeconds = await importTenant(url, customers, sims)
  const env = { SIMOPT_DATABASE_URL: url, SIMOPT_QUEUE: 'local', SIMOPT_SCHEDULE_CRON: 'off', SIMOPT_LOG_LEVEL: 'warn', SIMOPT_OUTBOX_DIR: path.join(folder, `outbox-${database}`) }
  let runSeconds: number
  let sessionId: string
  if (workers === 0) {
    // SQLite: the run's own worker (two jobs at a time, one per core).
    const run = await measureNodeProcess(CLI, ['run', '--tenant', TENANT, '--type', 'customer', '--all-customers', '--period', PERIOD, '--wait'], Infinity, env)
    if (run.code !== 0) throw new Error(`customer session on ${database} failed: ${run.stderr}`)
    runSeconds = run.seconds
    sessionId = run.stdout.split('\n')[0]!
  } else {
    const children = Array.from({ length: workers }, () => workerProcess(env))
    const store = openStore(url)
    try {
      const started = performance.now()
      const run = await measureNodeProcess(CLI, ['run', '--tenant', TENANT, '--type', 'customer', '--all-customers', '--period', PERIOD], Infinity, env)
      if (run.code !== 0) throw new Error(`customer session on ${database} did not start: ${run.stderr}`)
      sessionId = run.stdout.split('\n')[0]!
      for (;;) {
        const status = await sessionStatus(store.db, sessionId)
        if (status === 'done' || status === 'failed' || status === 'cancelled') {
          if (status !== 'done') throw new Error(`customer session on ${database} ended ${status}`)
          break
        }
        await sleep(100)
      }
      runSeconds = (performance.now() - started) / 1000
    } finally {
      await store.close()
      for (const child of children) {
        const exited = once(child, 'exit')
        child.kill('SIGTERM')
        await exited
      }
    }
  }
  const store = openStore(url)
  try {
    const outcomes = await customerOutcomes(store.db, sessionId)
    const gaps = outcomes.map((o) => (o.costAfter! > 0 ? (Math.max(0, o.costAfter! - o.lowerBound!) / o.costAfter!) * 100 : 0)).sort((a, b) => a - b)
    const sum = (pick: (o: (typeof outcomes)[number]) => number | null) => outcomes.reduce((total, o) => total + (pick(o) ?? 0), 0)
    return {
      database,
      workers: workers === 0 ? 'run --wait (2 jobs at a time)' : `${workers} worker processes`,
      customers: outcomes.length,
      sims: sum((o) => o.sims),
      importSeconds,
      runSeconds,
      worstGapPct: gaps.at(-1) ?? 0,
      medianGapPct: gaps[Math.floor(gaps.length / 2)] ?? 0,
      billBefore: sum((o) => o.billBefore),
      billAfter: sum((o) => o.billAfter),
      costAfter: sum((o) => o.costAfter),
      baselineCost: sum((o) => o.baselineCost),
      changes: sum((o) => o.changes),
      loadAverage: loadavg()[0]!,
    }
  } finally {
    await store.close()
  }
}

export async function customerRuns(folder: string, customers: number, sims: number): Promise<(CustomerFigures | string)[]> {
  const figures: (CustomerFigures | string)[] = [await runSession('SQLite', `sqlite:${path.join(folder, 'customers.db')}`, folder, customers, sims, 0)]
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  try {
    await admin.connect()
  } catch (error) {
    figures.push(`PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}: ${(error as Error).message}`)
    return figures
  }
  const name = `simopt_bench_customers_${process.pid}`
  await admin.query(`CREATE DATABASE ${name}`)
  try {
    const url = new URL(POSTGRES_ADMIN_URL)
    url.pathname = `/${name}`
    figures.push(await runSession('PostgreSQL', url.toString(), folder, customers, sims, 2))
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
  return figures
}

export function printCustomerRuns(figures: readonly (CustomerFigures | string)[]): void {
  const money = (value: number) => value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  const pct = (part: number, whole: number) => (whole > 0 ? ((part / whole) * 100).toFixed(2) : '0.00')
  console.log('\n## Customer optimization (issue 20): every customer of a tenant in one customer session\n')
  console.log('| database | workers | customers | SIMs | import s | session s | gap worst % | gap median % | bill before | bill after | saving vs current % | old method | saving vs old method % | changes | load avg |')
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const row of figures) {
    if (typeof row === 'string') {
      console.log(`| ${row} |||||||||||||||`)
      continue
    }
    console.log(
      `| ${row.database} | ${row.workers} | ${row.customers} | ${row.sims.toLocaleString('en-US')} | ${row.importSeconds.toFixed(1)} | ${row.runSeconds.toFixed(1)} | ${row.worstGapPct.toFixed(4)} | ${row.medianGapPct.toFixed(4)} | ${money(row.billBefore)} | ${money(row.billAfter)} | ${pct(row.billBefore - row.billAfter, row.billBefore)} | ${money(row.baselineCost)} | ${pct(row.baselineCost - row.costAfter, row.baselineCost)} | ${row.changes.toLocaleString('en-US')} | ${row.loadAverage.toFixed(1)} |`,
    )
  }
}
