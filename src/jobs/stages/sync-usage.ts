/**
 * Usage sync: the cycle-to-date usage of every billed device of the provider. First in bulk, rate plan by
 * rate plan (`GET /usages`, 50 devices a call), for the plans the carrier reports that way. Then device by
 * device (`cycleUsage`, which also says the SIM's plans and status now) for every billed device that has
 * no reading from this sync yet: the devices of plans not reported in bulk (a shared plan, an Essential
 * account), and devices whose plan changed while the plans were read. Such a device can be on neither
 * plan's pages (moved from a plan not read yet onto one read already), or on a plan's pages while simopt
 * has it on another: its bulk reading is dropped and it is read on its own, so it is priced on the plan it
 * is really on. At most `SIMOPT_MAX_PAGES_PER_JOB` calls a job, each job committing its readings with
 * where it stopped. The last job records how far the provider is synced and hands over to building the
 * problem.
 */
import { isCarrierError } from '../../carriers/index.js'
import { SimoptError } from '../../domain/index.js'
import { upsertDevices, upsertUsage, type SyncedDevice, type SyncedUsage } from '../../store/device-sync.js'
import { countDevicesRead, devicesWithoutReading, dropUsage, storedRatePlans } from '../../store/usage-coverage.js'
import { carrierCalls, carrierFor } from '../carrier-for.js'
import type { Transaction } from 'kysely'
import type { Config } from '../../config.js'
import type { Database } from '../../store/schema.js'
import { job, type Job } from '../job.js'
import { queueEmail } from '../notices.js'
import { moveInstance, sessionFacts } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

interface UsageCursor {
  /** Rate plans that had devices when the sync began, in the order they are read in bulk. */
  readonly plans: readonly string[]
  /** The plan being read in bulk; `plans.length` once the bulk pass is over. */
  readonly plan: number
  /** Its next page. */
  readonly page: number
  /** Devices a plan's pages listed while simopt had them on another plan: read one by one, never in bulk. */
  readonly moved: readonly string[]
  /** The device-by-device pass: the last ICCID it asked for. */
  readonly after: string
  /** Devices the carrier no longer knew when their usage was asked for. */
  readonly notFound: readonly string[]
}

export const syncUsage: Stage = {
  type: 'sync-usage',
  sessionOf: sessionOfInstance,
  async run(instanceId, { store, config, commit }) {
    const { db } = store
    const instance = await db.selectFrom('instances').select(['session_id', 'provider_id', 'period_id']).where('id', '=', instanceId).executeTakeFirstOrThrow()
    const provider = await db.selectFrom('service_providers').selectAll().where('id', '=', instance.provider_id).executeTakeFirstOrThrow()
    const period = await db.selectFrom('billing_periods').selectAll().where('id', '=', instance.period_id).executeTakeFirstOrThrow()
    const sync = await db.selectFrom('syncs').selectAll().where('instance_id', '=', instanceId).executeTakeFirst()
    if (sync === undefined) throw new SimoptError('INTERNAL', `usage sync of instance ${instanceId} found no device sync before it`)
    const carrier = carrierFor(provider, config)
    const callsBefore = carrierCalls(provider.id)

    let cursor: UsageCursor =
      sync.usage_cursor === null
        ? {
            plans: (await db.selectFrom('devices').select('rate_plan').distinct().where('provider_id', '=', provider.id).orderBy('rate_plan').execute()).map((row) => row.rate_plan),
            plan: 0,
            page: 1,
            moved: [],
            after: '',
            notFound: [],
          }
        : parseCursor(sync.usage_cursor)
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
      const unread = await devicesWithoutReading(db, provider.id, period.id, sync.started_at, cursor.after, requested)
      const notFound = [...cursor.notFound]
      for (const iccid of unread) {
        calls++
        try {
          const usage = await carrier.cycleUsage(iccid)
          readings.set(iccid, { iccid, usageMb: usage.dataMb, sms: usage.sms, measuredAt: usage.measuredAt })
          reread.push({ iccid, status: usage.status, ratePlan: usage.ratePlan, commPlan: usage.commPlan, msisdn: usage.msisdn })
        } catch (error) {
          // Gone from the account since the device sync: left unpriced, and the session says so.
          if (!(isCarrierError(error) && error.kind === 'not-found')) throw error
          notFound.push(iccid)
          goneNow.push(iccid)
        }
      }
      cursor = { ...cursor, after: unread.at(-1) ?? cursor.after, notFound }
      done = unread.length < requested
    }
    const callsAfter = carrierCalls(provider.id)

    await commit(async (trx) => {
      const { commPlansAdded } = await upsertDevices(trx, provider.id, reread, Date.now())
      await upsertUsage(trx, period.id, [...readings.values()])
      await dropUsage(trx, period.id, [...movedNow, ...goneNow])
      // Devices read, not rows returned: a device on two plans' pages, or read again on its own, counts once.
      const usageRows = done ? await countDevicesRead(trx, provider.id, period.id, sync.started_at) : undefined
      await trx
        .updateTable('syncs')
        .set((eb) => ({
          stage: done ? 'done' : 'usage',
          usage_cursor: JSON.stringify(cursor),
          usage_rows: usageRows ?? eb('usage_rows', '+', readings.size),
          comm_plans_added: eb('comm_plans_added', '+', commPlansAdded),
          calls: eb('calls', '+', callsAfter.calls - callsBefore.calls),
          errors: eb('errors', '+', callsAfter.errors - callsBefore.errors),
          ...(done ? { finished_at: Date.now() } : {}),
        }))
        .where('instance_id', '=', instanceId)
        .execute()
      if (!done) return [job('sync-usage', instanceId, cursor.plan < cursor.plans.length ? `${cursor.plan}-${cursor.page}` : `${cursor.plans.length}-${cursor.after}`)]
      await trx.updateTable('service_providers').set({ devices_synced_till: sync.window_till }).where('id', '=', provider.id).execute()
      const notices = await newCommPlansNotice(trx, config, instanceId, instance.session_id, provider.id)
      return [job('build-problem', instanceId), ...notices, ...(await moveInstance(trx, config, instanceId, instance.session_id, 'optimizing'))]
    })
  },
}

function parseCursor(text: string): UsageCursor {
  // A cursor written before the device-by-device pass existed has no page (`at` was it): that plan is read again.
  const parsed = JSON.parse(text) as Partial<UsageCursor> & Pick<UsageCursor, 'plans' | 'plan'>
  return { plans: parsed.plans, plan: parsed.plan, page: parsed.page ?? 1, moved: parsed.moved ?? [], after: parsed.after ?? '', notFound: parsed.notFound ?? [] }
}

/** The ICCIDs the usage sync of an instance found gone from the carrier account (none before it ran). */
export function notFoundAtCarrier(usageCursor: string | null): readonly string[] {
  return usageCursor === null ? [] : ((JSON.parse(usageCursor) as Partial<UsageCursor>).notFound ?? [])
}

/**
 * The sync found communication plans the price sheet does not know: their SIMs keep their plans until
 * someone says which rate plans they allow, so someone must hear of them.
 */
async function newCommPlansNotice(trx: Transaction<Database>, config: Config, instanceId: string, sessionId: string, providerId: string): Promise<Job[]> {
  const sync = await trx.selectFrom('syncs').select('comm_plans_added').where('instance_id', '=', instanceId).executeTakeFirstOrThrow()
  if (sync.comm_plans_added === 0) return []
  const unpriced = await trx
    .selectFrom('comm_plans')
    .leftJoin('comm_plan_rate_plans', (join) => join.onRef('comm_plan_rate_plans.provider_id', '=', 'comm_plans.provider_id').onRef('comm_plan_rate_plans.comm_plan', '=', 'comm_plans.name'))
    .select('comm_plans.name')
    .where('comm_plans.provider_id', '=', providerId)
    .where('comm_plan_rate_plans.plan_code', 'is', null)
    .orderBy('comm_plans.name')
    .execute()
  if (unpriced.length === 0) return []
  const facts = await sessionFacts(trx, sessionId)
  return queueEmail(trx, config, { tenantId: facts.tenantId, sessionId }, { kind: 'new-comm-plans', ...facts, sessionId, commPlans: unpriced.map((row) => row.name) })
}
