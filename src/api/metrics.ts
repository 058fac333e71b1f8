/**
 * `/metrics` for Prometheus. Figures are read from the database when scraped (any number of workers on
 * any number of machines write there), aggregated by the database; carrier calls are this process's own
 * counters (the call limiters of its in-process worker).
 */
import { Counter, Gauge, Registry } from 'prom-client'
import { carrierCalls } from '../jobs/carrier-for.js'
import { OPTIMIZER_PHASES } from '../optimizer/index.js'
import {
  instancePhaseMs,
  jobCountsByType,
  lastFinishedRuns,
  optimizerRunsByStatus,
  providerLabels,
  sessionCountsByStatus,
  transitionsOf,
  type Store,
} from '../store/index.js'

export function metricsRegistry(store: Store): Registry {
  const registry = new Registry()
  const { db } = store
  const lastRuns = () => lastFinishedRuns(db)

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
    name: 'simopt_jobs_failed',
    help: 'Jobs that failed for good (retries spent, or bad data), by type',
    labelNames: ['type'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const row of await jobCountsByType(db, ['failed'])) this.set({ type: row.type }, row.n)
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
  new Counter({
    name: 'simopt_optimizer_runs_total',
    help: 'Components optimized, by the optimizer\'s status: optimal, within-gap (the gap it aims for, 0.01%), gap-open (more, its budgets spent)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const row of await optimizerRunsByStatus(db)) this.inc({ status: row.status }, row.runs)
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
  return registry
}
