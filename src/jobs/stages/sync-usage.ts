/**
 * Usage sync: the cycle-to-date usage of every billed device of the provider. First in bulk, rate plan by
 * rate plan (`GET /usages`, 50 devices a call), for the plans the carrier reports that way. Then device by
 * device (`cycleUsage`, which also says the SIM's plans and status now, on carriers that say them) for every billed device that has
 * no reading from this sync yet: the devices of plans not reported in bulk (a shared plan, an Essential
 * account), and devices whose plan changed while the plans were read. Such a device can be on neither
 * plan's pages (moved from a plan not read yet onto one read already), or on a plan's pages while simopt
 * has it on another: its bulk reading is dropped and it is read on its own, so it is priced on the plan it
 * is really on. At most `SIMOPT_MAX_PAGES_PER_JOB` calls a job, each job committing its readings with
 * where it stopped. The last job records how far the provider is synced and hands over to building the
 * problem. A carrier that serves usage as report files, not over its API (Telegence), is read by
 * sync-usage-feed.ts instead.
 */
import { isCarrierError } from '../../carriers/index.js'
import { SimoptError } from '../../domain/index.js'
import {
  advanceSync,
  countDevicesRead,
  devicesWithoutReading,
  dropUsage,
  findSync,
  instanceScope,
  parseProviderSettings,
  ratePlansInUse,
  storedRatePlans,
  upsertDevices,
  upsertUsage,
  type SyncedDevice,
  type SyncedUsage,
  type UsageCursor,
} from '../../store/index.js'
import { carrierCalls, carrierFor } from '../carrier-for.js'
import { job } from '../job.js'
import { percentOfSession, reportProgressPast } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'
import { syncUsageFeed } from './sync-usage-feed.js'
import { usageSyncDone } from './usage-sync-done.js'

export const syncUsage: Stage = {
  type: 'sync-usage',
  sessionOf: sessionOfInstance,
  async run(instanceId, { store, config, commit }) {
    const { db } = store
    const { sessionId, provider, period } = await instanceScope(db, instanceId)
    const sync = await findSync(db, instanceId)
    if (sync === undefined) throw new SimoptError('INTERNAL', `usage sync of instance ${instanceId} found no device sync before it`)
    const carrier = carrierFor(provider, config, db)
    // A carrier that serves usage as report files (Telegence's SFTP folder), not over its API.
    if (carrier.traits.usageSource === 'feed') return syncUsageFeed({ store, config, commit }, { instanceId, sessionId, provider, period, sync })
    const callsBefore = carrierCalls(provider.id)

    let cursor: UsageCursor = sync.usageCursor ?? { plans: await ratePlansInUse(db, provider.id), plan: 0, page: 1, moved: [], after: '', notFound: [] }
    // By ICCID: a device listed twice in one job is written once.
    const readings = new Map<string, SyncedUsage>()
    const reread: SyncedDevice[] = []
    const movedNow: string[] = []
    // Gone from the account: a reading of an earlier session of the period must not price them either.
    const goneNow: string[] = []
    let calls = 0
    let done = false
    if (cursor.plan < cursor.plans.length) {
      const moved = new Set(cursor.moved)
      while (calls < config.maxPagesPerJob && cursor.plan < cursor.plans.length) {
        const plan = cursor.plans[cursor.plan]!
        const answer = await carrier.usageByRatePlan(plan, period.starts_at, cursor.page)
        calls++
        if (answer.kind === 'not-available') {
          cursor = { ...cursor, plan: cursor.plan + 1, page: 1 }
          continue
        }
        const measuredAt = Date.now()
        const stored = await storedRatePlans(db, provider.id, answer.devices.map((device) => device.iccid))
        for (const device of answer.devices) {
          const storedPlan = stored.get(device.iccid)
          // A device added since the device sync: the next sync lists it.
          if (storedPlan === undefined) continue
          if (storedPlan !== plan || moved.has(device.iccid)) {
            if (!moved.has(device.iccid)) movedNow.push(device.iccid)
            moved.add(device.iccid)
            readings.delete(device.iccid)
            continue
          }
          readings.set(device.iccid, { iccid: device.iccid, usageMb: device.dataMb, sms: device.sms, measuredAt })
        }
        cursor = { ...cursor, moved: [...moved], ...(answer.lastPage ? { plan: cursor.plan + 1, page: 1 } : { page: cursor.page + 1 }) }
      }
      // The device-by-device pass starts with the next job, once this one's moved devices have lost their readings.
    } else {
      const requested = config.maxPagesPerJob
      const unread = await devicesWithoutReading(db, provider.id, period.id, sync.startedAt, cursor.after, requested)
      const readOne = async (iccid: string): Promise<void> => {
        calls++
        try {
          const usage = await carrier.cycleUsage(iccid, { start: period.starts_at, end: period.ends_at })
          readings.set(iccid, { iccid, usageMb: usage.dataMb, sms: usage.sms, measuredAt: usage.measuredAt })
          const { status, ratePlan, commPlan } = usage
          if (status !== undefined && ratePlan !== undefined && commPlan !== undefined) reread.push({ iccid, status, ratePlan, commPlan, msisdn: usage.msisdn })
        } catch (error) {
          // Gone from the account since the device sync: left unpriced, and the session says so.
          if (!(isCarrierError(error) && error.kind === 'not-found')) throw error
          goneNow.push(iccid)
        }
      }
      // One call a device (ThingSpace: 100k calls for 100k SIMs): as many at once as the account may have
      // in flight, so that the carrier's round trip does not cap the rate below the allowed one. The
      // limiter still paces them; with one call in flight (Jasper's default) they go one by one, as before.
      const { callsInFlight } = parseProviderSettings(provider.settings, provider.name)
      let next = 0
      let failed = false
      const reader = async (): Promise<void> => {
        try {
          while (!failed && next < unread.length) await readOne(unread[next++]!)
        } catch (error) {
          // The job fails and is retried: the other readers stop rather than make calls it will not keep.
          failed = true
          throw error
        }
      }
      await Promise.all(Array.from({ length: Math.max(1, Math.min(callsInFlight, unread.length)) }, reader))
      goneNow.sort()
      cursor = { ...cursor, after: unread.at(-1) ?? cursor.after, notFound: [...cursor.notFound, ...goneNow] }
      done = unread.length < requested
    }
    const callsAfter = carrierCalls(provider.id)

    await commit(async (trx) => {
      const { commPlansAdded } = await upsertDevices(trx, provider.id, reread, Date.now())
      await upsertUsage(trx, period.id, [...readings.values()])
      await dropUsage(trx, period.id, [...movedNow, ...goneNow])
      // Devices read, not rows returned: a device on two plans' pages, or read again on its own, counts once.
      const usageRows = done ? await countDevicesRead(trx, provider.id, period.id, sync.startedAt) : undefined
      const counts = { usageRows: readings.size, commPlansAdded, calls: callsAfter.calls - callsBefore.calls, errors: callsAfter.errors - callsBefore.errors }
      const percentBefore = await percentOfSession(trx, sessionId)
      await advanceSync(trx, instanceId, { stage: done ? 'done' : 'usage', usageCursor: cursor, ...(usageRows === undefined ? {} : { usageRows }), ...(done ? { finishedAt: Date.now() } : {}) }, counts)
      if (!done) {
        const next = job('sync-usage', instanceId, cursor.plan < cursor.plans.length ? `${cursor.plan}-${cursor.page}` : `${cursor.plans.length}-${cursor.after}`)
        return [next, ...(await reportProgressPast(trx, config, sessionId, percentBefore))]
      }
      return usageSyncDone(trx, config, { instanceId, sessionId, providerId: provider.id, windowTill: sync.windowTill })
    })
  },
}
