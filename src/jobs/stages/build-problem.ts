/**
 * Builds the instance's problem from the database (usage projected to the period end), splits it into
 * independent components and stores each with its own snapshot, so every component is a job any worker
 * can take. Bad data (no devices, a plan that cannot be priced) fails the session here, before any
 * work is queued.
 */
import { randomUUID } from 'node:crypto'
import { currentAssignment, priceAssignment, subProblem } from '../../domain/index.js'
import { componentRows } from '../../optimizer/index.js'
import { loadProblem } from '../../store/problem-loader.js'
import { countDevicesWithoutReading, devicesWithoutReading } from '../../store/usage-coverage.js'
import { notFoundAtCarrier } from './sync-usage.js'
import { encodeSnapshot } from '../../store/problem-snapshot.js'
import { parseProviderSettings } from '../../store/provider-settings.js'
import { parseTenantSettings } from '../../notify/tenant-settings.js'
import type { Db } from '../../store/database.js'
import type { Config } from '../../config.js'
import { job, type Job } from '../job.js'
import { queueEmail } from '../notices.js'
import { sessionFacts } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

/** A day: a session's components are optimized within minutes; a restart builds new ones. */
const SNAPSHOT_TTL_SECONDS = 86_400

export function snapshotKey(componentId: string): string {
  return `snapshot:${componentId}`
}

export const buildProblem: Stage = {
  type: 'build-problem',
  sessionOf: sessionOfInstance,
  async run(instanceId, { store, config, commit, cache }) {
    const { db } = store
    const instance = await db.selectFrom('instances').selectAll().where('id', '=', instanceId).executeTakeFirstOrThrow()
    if (instance.component_count !== null) {
      // Built before (a delivery whose record was reset): the components go on as they are.
      const pending = await db.selectFrom('components').select('id').where('instance_id', '=', instanceId).where('status', '<>', 'done').execute()
      return commit(async () => pending.map((component) => job('optimize-component', component.id)))
    }
    const provider = await db.selectFrom('service_providers').selectAll().where('id', '=', instance.provider_id).executeTakeFirstOrThrow()
    const period = await db.selectFrom('billing_periods').selectAll().where('id', '=', instance.period_id).executeTakeFirstOrThrow()
    const { problem, rawUsageMb } = await loadProblem(store, provider, period, Date.now())
    const unpriced = await unpricedSims(db, instanceId, provider.id, period.id, problem.sims.count)
    const { minSavingPerChange } = parseProviderSettings(provider.settings, provider.name)
    const before = priceAssignment(problem, currentAssignment(problem))
    const components = componentRows(problem).map((rows, position) => ({
      id: randomUUID(),
      instance_id: instanceId,
      position,
      sims: rows.length,
      status: 'pending',
      snapshot: encodeSnapshot({ problem: subProblem(problem, rows), rawUsageMb: Float64Array.from(rows, (row) => rawUsageMb[row]!), minSavingPerChange }),
      cost_before: null,
      cost_after: null,
      lower_bound: null,
      baseline_cost: null,
      changes: null,
      seconds: null,
      finished_at: null,
    }))
    await commit(async (trx) => {
      const built = await trx.updateTable('instances').set({ updated_at: Date.now() }).where('id', '=', instanceId).where('component_count', 'is', null).returning('id').executeTakeFirst()
      if (built === undefined) return []
      // One component per statement: a snapshot can be tens of MB.
      for (const component of components) await trx.insertInto('components').values(component).execute()
      await trx
        .updateTable('instances')
        .set({ sims: problem.sims.count, ...unpriced, component_count: components.length, cost_before: before.total, updated_at: Date.now() })
        .where('id', '=', instanceId)
        .execute()
      const notices = await simCountNotice(trx, config, instance.session_id, instance.provider_id, problem.sims.count)
      return [...components.map((component) => job('optimize-component', component.id)), ...notices]
    })
    // For the workers that optimize them: read from memory, not the database (which keeps them too).
    for (const component of components) await cache.set(snapshotKey(component.id), component.snapshot, SNAPSHOT_TTL_SECONDS)
  },
}

/** How many ICCIDs a note names. */
const NOTE_ICCIDS = 3
const formatCount = (value: number) => value.toLocaleString('en-US')

/**
 * The provider's billed SIMs the problem leaves out for want of a usage reading for the period, and a
 * sentence for every report: how many of how many are priced, which are not and why.
 */
async function unpricedSims(db: Db, instanceId: string, providerId: string, periodId: string, priced: number): Promise<{ unpriced_sims: number; unpriced_note: string | null }> {
  const count = await countDevicesWithoutReading(db, providerId, periodId)
  if (count === 0) return { unpriced_sims: 0, unpriced_note: null }
  const sample = await devicesWithoutReading(db, providerId, periodId, 0, '', NOTE_ICCIDS)
  const sync = await db.selectFrom('syncs').select('usage_cursor').where('instance_id', '=', instanceId).executeTakeFirst()
  const gone = new Set(notFoundAtCarrier(sync?.usage_cursor ?? null))
  const notFound = gone.size === 0 ? 0 : (await devicesWithoutReading(db, providerId, periodId, 0, '', count)).filter((iccid) => gone.has(iccid)).length
  const reasons = [notFound > 0 ? `${formatCount(notFound)} not found at the carrier when their usage was read` : '', count > notFound ? `${formatCount(count - notFound)} without a usage reading for the period` : '']
  const named = `${sample.join(', ')}${count > sample.length ? ', …' : ''}`
  const note = `priced ${formatCount(priced)} of ${formatCount(priced + count)} SIMs: ${formatCount(count)} without usage (${reasons.filter(Boolean).join('; ')}: ${named})`
  return { unpriced_sims: count, unpriced_note: note }
}

/**
 * A fleet that grew or shrank by more than the tenant's `simCountChangePct` since the last finished
 * session of the provider is worth a look (a sync that missed pages, a carrier account mix-up); the
 * session goes on.
 */
async function simCountNotice(db: Db, config: Config, sessionId: string, providerId: string, sims: number): Promise<Job[]> {
  const previous = await db
    .selectFrom('instances')
    .innerJoin('billing_periods', 'billing_periods.id', 'instances.period_id')
    .select(['instances.sims', 'billing_periods.name as period'])
    .where('instances.provider_id', '=', providerId)
    .where('instances.status', '=', 'done')
    .where('instances.session_id', '<>', sessionId)
    .orderBy('instances.finished_at', 'desc')
    .executeTakeFirst()
  if (previous?.sims == null) return []
  const facts = await sessionFacts(db, sessionId)
  const tenant = await db.selectFrom('tenants').select(['name', 'settings']).where('id', '=', facts.tenantId).executeTakeFirstOrThrow()
  let limitPct: number
  try {
    limitPct = parseTenantSettings(tenant.settings, tenant.name).simCountChangePct
  } catch {
    return [] // the settings' problem is reported with the messages it leaves unaddressed
  }
  const changePct = previous.sims === 0 ? Infinity : (100 * Math.abs(sims - previous.sims)) / previous.sims
  if (changePct <= limitPct) return []
  return queueEmail(db, config, { tenantId: facts.tenantId, sessionId }, { kind: 'unexpected-sim-count', ...facts, sessionId, sims, previousSims: previous.sims, previousPeriod: previous.period, limitPct })
}
