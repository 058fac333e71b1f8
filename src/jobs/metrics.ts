/**
 * The one metrics registry of every process, `simopt serve` and `simopt worker` alike (Prometheus scrapes
 * each). Every process: prom-client's default process and Node figures, and its own counters (job
 * deliveries, pushes, deliveries of messages, carrier calls and errors of its call limiters). The API
 * process also: its HTTP requests, and the fleet's figures, read from the database when scraped (any number
 * of workers on any number of machines write there) and aggregated by it: served by one tier only, so that
 * summing over processes does not count them twice.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { OPTIMIZER_PHASES } from '../optimizer/index.js'
import {
  instancePhaseMs,
  jobCountsByType,
  lastFinishedRuns,
  oldestRunningSessions,
  providerLabels,
  sessionCountsByStatus,
  transitionsOf,
  type Store,
} from '../store/index.js'
import { carrierCalls } from './carrier-for.js'
import { deliveryCounts, jobCounts, optimizerRunCounts, pushCounts } from './process-counters.js'

export interface Metrics {
  readonly registry: Registry
  /** One HTTP request answered: its route as declared (`/api/sessions/:id`), not as asked. */
  observeRequest(request: { readonly method: string; readonly route: string; readonly status: number; readonly seconds: number }): void
}

/**
 * A new registry for one process. `fleet`: the API's, with the database's figures and HTTP requests;
 * otherwise a worker's, with only its own.
 */
export function processMetrics(store: Store, { fleet }: { readonly fleet: boolean }): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  processCounters(store, registry)
  if (!fleet) return { registry, observeRequest: () => {} }
  fleetFigures(store, registry)
  const requests = new Counter({ name: 'simopt_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] })
  const durations = new Histogram({
    name: 'simopt_http_request_duration_seconds',
    help: 'Seconds to answer an HTTP request, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  })
  return {
    registry,
    observeRequest({ method, route, status, seconds }) {
      const labels = { method, route, status: String(status) }
      requests.inc(labels)
      durations.observe(labels, seconds)
    },
  }
}

/** This process's own counts. */
function processCounters(store: Store, registry: Registry): void {
  const { db } = store
  new Counter({
    name: 'simopt_jobs_done_total',
    help: 'Job deliveries this process finished, by job type',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset()
      for (const row of jobCounts()) if (row.outcome === 'done') this.inc({ type: row.type }, row.count)
    },
  })
  new Counter({
    name: 'simopt_jobs_failed_total',
    help: 'Job deliveries that failed in this process, by job type and whether the job is retried (retry) or failed for good (failed)',
    labelNames: ['type', 'outcome'],
    registers: [registry],
    collect() {
      this.reset()
      for (const row of jobCounts()) if (row.outcome !== 'done') this.inc({ type: row.type, outcome: row.outcome }, row.count)
    },
  })
  new Counter({
    name: 'simopt_pushes_total',
    help: 'Rate plan changes this process took to the carrier, by outcome: accepted, refused, skipped (moved since planned), already-in-place, no-answer (retried)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset()
      for (const row of pushCounts()) this.inc({ outcome: row.outcome }, row.count)
    },
  })
  new Counter({
    name: 'simopt_optimizer_runs_total',
    help: "Components this process optimized, by the optimizer's status: optimal, within-gap (the gap it aims for, 0.01%), gap-open (more, its budgets spent)",
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset()
      for (const row of optimizerRunCounts()) this.inc({ status: row.status }, row.count)
    },
  })
  new Counter({
    name: 'simopt_deliveries_total',
    help: 'E-mails and webhooks this process tried to send, by channel and outcome (sent, failed: retried until its retries are spent)',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
    collect() {
      this.reset()
      for (const row of deliveryCounts()) this.inc({ channel: row.channel, outcome: row.outcome }, row.count)
    },
  })
  const providerNames = () => providerLabels(db)
  new Counter({
    name: 'simopt_carrier_calls_total',
    help: 'Carrier API calls made by this process, by provider',
    labelNames: ['tenant', 'provider'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const row of await providerNames()) this.inc({ tenant: row.tenant, provider: row.provider }, carrierCalls(row.id).calls)
    },
  })
  new Counter({
    name: 'simopt_carrier_errors_total',
    help: 'Carrier API calls that failed (refused, throttled, timed out), made by this process, by provider',
    labelNames: ['tenant', 'provider'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const row of await providerNames()) this.inc({ tenant: row.tenant, provider: row.provider }, carrierCalls(row.id).errors)
    },
  })
}

/** The fleet's figures, from the database. */
function fleetFigures(store: Store, registry: Registry): void {
  const { db } = store
  // Five series read the last runs: one scrape reads them once.
  const lastRuns = oncePerScrape(() => lastFinishedRuns(db))

  new Gauge({
    name: 'simopt_sessions',
    help: 'Sessions by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const row of await sessionCountsByStatus(db)) this.set({ status: row.status }, row.count)
    },
  })
  new Gauge({
    name: 'simopt_job_queue_depth',
    help: 'Jobs waiting or running, by type',
    labelNames: ['type'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const row of await jobCountsByType(db, ['queued', 'active'])) this.set({ type: row.type }, row.n)
    },
  })
  new Gauge({
    name: 'simopt_stage_duration_seconds',
    help: 'Seconds in each stage of the last finished session of each provider',
    labelNames: ['tenant', 'provider', 'stage'],
    registers: [registry],
    async collect() {
      this.reset()
      const runs = await lastRuns()
      if (runs.length === 0) return
      const transitions = await transitionsOf(db, runs.map((run) => run.id))
      for (const run of runs) {
        const own = transitions.filter((transition) => transition.entityId === run.id)
        for (let i = 0; i + 1 < own.length; i++) this.inc({ tenant: run.tenant, provider: run.provider, stage: own[i]!.toStatus }, (own[i + 1]!.at - own[i]!.at) / 1000)
      }
    },
  })
  new Gauge({
    name: 'simopt_last_run_savings',
    help: 'Savings (cost before minus cost after) of the last finished session of each provider, in its currency',
    labelNames: ['tenant', 'provider'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const run of await lastRuns()) this.set({ tenant: run.tenant, provider: run.provider }, run.costBefore - run.costAfter)
    },
  })
  new Gauge({
    name: 'simopt_last_run_cost_before',
    help: 'Cost before optimizing of the last finished session of each provider, in its currency (savings over it: the savings rate)',
    labelNames: ['tenant', 'provider'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const run of await lastRuns()) this.set({ tenant: run.tenant, provider: run.provider }, run.costBefore)
    },
  })
  new Gauge({
    name: 'simopt_last_run_sims',
    help: 'SIMs of the last finished session of each provider: priced, and billed but left out for want of a usage reading (unpriced)',
    labelNames: ['tenant', 'provider', 'state'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const run of await lastRuns()) {
        this.set({ tenant: run.tenant, provider: run.provider, state: 'priced' }, run.sims)
        this.set({ tenant: run.tenant, provider: run.provider, state: 'unpriced' }, run.unpricedSims)
      }
    },
  })
  new Gauge({
    name: 'simopt_session_running_seconds',
    help: 'Seconds since the oldest unfinished session of each provider started (absent when none runs)',
    labelNames: ['tenant', 'provider'],
    registers: [registry],
    async collect() {
      this.reset()
      const now = Date.now()
      for (const row of await oldestRunningSessions(db)) this.set({ tenant: row.tenant, provider: row.provider }, (now - row.startedAt) / 1000)
    },
  })
  new Gauge({
    name: 'simopt_optimize_phase_seconds',
    help: 'Seconds in each optimizer phase (split, exhaustive, dual, dives, search, bound, seed, price) of the last finished session of each provider, summed over its components (CPU time: components solved at once add up)',
    labelNames: ['tenant', 'provider', 'phase'],
    registers: [registry],
    async collect() {
      this.reset()
      const runs = await lastRuns()
      const phases = await instancePhaseMs(db, runs.map((run) => run.id))
      for (const run of runs) {
        const ms = phases.get(run.id)
        if (ms === undefined) continue
        for (const phase of OPTIMIZER_PHASES) this.set({ tenant: run.tenant, provider: run.provider, phase }, ms[phase] / 1000)
      }
    },
  })
}

/** `read`, shared by the calls within a second of the first: the collectors of one scrape, not the next scrape. */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let readAt = 0
  let value: Promise<T> | undefined
  return () => {
    const now = Date.now()
    if (value === undefined || now - readAt > 1000) {
      readAt = now
      const reading = read()
      value = reading
      reading.catch(() => {
        if (value === reading) value = undefined
      })
    }
    return value
  }
}
