/**
 * Builds the instance's problem from the database (usage projected to the period end), splits it into
 * independent components and stores each with its own snapshot, so every component is a job any worker
 * can take. Bad data (no devices, a plan that cannot be priced) fails the session here, before any
 * work is queued.
 */
import { randomUUID } from 'node:crypto'
import { currentAssignment, priceAssignment, subProblem } from '../../domain/index.js'
import { componentRows } from '../../optimizer/index.js'
import { parseTenantSettings } from '../../notify/tenant-settings.js'
import {
  countDevicesWithoutReading,
  devicesWithoutReading,
  encodeSnapshot,
  findTenantContacts,
  instanceScope,
  lastFinishedSimCount,
  loadProblem,
  notFoundAtCarrier,
  parseProviderSettings,
  pendingComponentIds,
  saveBuiltProblem,
  type Db,
} from '../../store/index.js'
import type { Config } from '../../config.js'
import { keepSimsTheCarrierWouldRefuse } from '../change-limits.js'
import { job, type Job } from '../job.js'
import { queueEmail } from '../queue-message.js'
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
    const { sessionId, componentCount, provider, period } = await instanceScope(db, instanceId)
    if (componentCount !== null) {
      // Built before (a delivery whose record was reset): the components go on as they are.
      const pending = await pendingComponentIds(db, instanceId)
      return commit(async () => pending.map((componentId) => job('optimize-component', componentId)))
    }
    const { problem, rawUsageMb } = await loadProblem(store, provider, period, Date.now())
    await keepSimsTheCarrierWouldRefuse(db, problem, provider, period.starts_at)
    const unpriced = await unpricedSims(db, instanceId, provider.id, period.id, problem.sims.count)
    const { minSavingPerChange } = parseProviderSettings(provider.settings, provider.name)
    const before = priceAssignment(problem, currentAssignment(problem))
    const components = componentRows(problem).map((rows, position) => ({
      id: randomUUID(),
      position,
      sims: rows.length,
      snapshot: encodeSnapshot({ problem: subProblem(problem, rows), rawUsageMb: Float64Array.from(rows, (row) => rawUsageMb[row]!), minSavingPerChange }),
    }))
    await commit(async (trx) => {
      if (!(await saveBuiltProblem(trx, instanceId, components, { sims: problem.sims.count, ...unpriced, costBefore: before.total }))) return []
      const notices = await simCountNotice(trx, config, sessionId, provider.id, problem.sims.count)
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
async function unpricedSims(db: Db, instanceId: string, providerId: string, periodId: string, priced: number): Promise<{ unpricedSims: number; unpricedNote: string | null }> {
  const count = await countDevicesWithoutReading(db, providerId, periodId)
  if (count === 0) return { unpricedSims: 0, unpricedNote: null }
  const sample = await devicesWithoutReading(db, providerId, periodId, 0, '', NOTE_ICCIDS)
  const gone = new Set(await notFoundAtCarrier(db, instanceId))
  const notFound = gone.size === 0 ? 0 : (await devicesWithoutReading(db, providerId, periodId, 0, '', count)).filter((iccid) => gone.has(iccid)).length
  const reasons = [notFound > 0 ? `${formatCount(notFound)} not found at the carrier when their usage was read` : '', count > notFound ? `${formatCount(count - notFound)} without a usage reading for the period` : '']
  const named = `${sample.join(', ')}${count > sample.length ? ', …' : ''}`
  const note = `priced ${formatCount(priced)} of ${formatCount(priced + count)} SIMs: ${formatCount(count)} without usage (${reasons.filter(Boolean).join('; ')}: ${named})`
  return { unpricedSims: count, unpricedNote: note }
}

/**
 * A fleet that grew or shrank by more than the tenant's `simCountChangePct` since the last finished
 * session of the provider is worth a look (a sync that missed pages, a carrier account mix-up); the
 * session goes on.
 */
async function simCountNotice(db: Db, config: Config, sessionId: string, providerId: string, sims: number): Promise<Job[]> {
  const previous = await lastFinishedSimCount(db, providerId, sessionId)
  if (previous === undefined) return []
  const facts = await sessionFacts(db, sessionId)
  const tenant = await findTenantContacts(db, facts.tenantId)
  if (tenant === undefined) return []
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
