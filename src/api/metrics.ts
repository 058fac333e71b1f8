/**
 * `/metrics` for Prometheus. Figures are read from the database when scraped (any number of workers on
 * any number of machines write there), aggregated by the database; carrier calls are this process's own
 * counters (the call limiters of its in-process worker).
 */
import { Counter, Gauge, Registry } from 'prom-client'
import { carrierCalls } from '../jobs/carrier-for.js'
import type { Store } from '../store/database.js'

export function metricsRegistry(store: Store): Registry {
  const registry = new Registry()
  const lastRuns = () => lastFinishedRuns(store)

  new Gauge({
    name: 'simopt_sessions',
    help: 'Sessions by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset()
      const rows = await store.db.selectFrom('sessions').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
      for (const row of rows) this.set({ status: row.status }, Number(row.n))
    },
  })
  new Gauge({
    name: 'simopt_job_queue_depth',
    help: 'Jobs waiting or running, by type',
    labelNames: ['type'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const row of await jobCounts(store, ['queued', 'active'])) this.set({ type: row.type }, Number(row.n))
    },
  })
  new Gauge({
    name: 'simopt_jobs_failed',
    help: 'Jobs that failed for good (retries spent, or bad data), by type',
    labelNames: ['type'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const row of await jobCounts(store, ['failed'])) this.set({ type: row.type }, Number(row.n))
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
      const transitions = await store.db
        .selectFrom('state_transitions')
        .select(['entity_id', 'to_status', 'at'])
        .where('entity_id', 'in', runs.map((run) => run.id))
        .orderBy('seq')
        .execute()
      for (const run of runs) {
        const own = transitions.filter((transition) => transition.entity_id === run.id)
        for (let i = 0; i + 1 < own.length; i++) this.inc({ tenant: run.tenant, provider: run.provider, stage: own[i]!.to_status }, (own[i + 1]!.at - own[i]!.at) / 1000)
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
  const providerNames = async () =>
    store.db.selectFrom('service_providers').innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id').select(['service_providers.id', 'service_providers.name as provider', 'tenants.name as tenant']).execute()
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

async function jobCounts(store: Store, statuses: readonly string[]) {
  return store.db.selectFrom('jobs').select(['type', (eb) => eb.fn.countAll<number>().as('n')]).where('status', 'in', [...statuses]).groupBy('type').execute()
}

interface FinishedRun {
  readonly id: string
  readonly tenant: string
  readonly provider: string
  readonly costBefore: number
  readonly costAfter: number
}

/** The last finished (done) instance of each provider. */
async function lastFinishedRuns(store: Store): Promise<FinishedRun[]> {
  const rows = await store.db
    .selectFrom('instances')
    .innerJoin('service_providers', 'service_providers.id', 'instances.provider_id')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .select(['instances.id', 'instances.provider_id', 'instances.finished_at', 'instances.cost_before', 'instances.cost_after', 'tenants.name as tenant', 'service_providers.name as provider'])
    .where('instances.status', '=', 'done')
    .where('instances.cost_after', 'is not', null)
    .execute()
  const last = new Map<string, (typeof rows)[number]>()
  for (const row of rows) if ((row.finished_at ?? 0) >= (last.get(row.provider_id)?.finished_at ?? -1)) last.set(row.provider_id, row)
  return [...last.values()].map((row) => ({ id: row.id, tenant: row.tenant, provider: row.provider, costBefore: row.cost_before ?? 0, costAfter: row.cost_after ?? 0 }))
}
