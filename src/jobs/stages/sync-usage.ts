/**
 * Usage sync: the cycle-to-date usage of every device of the provider, by rate plan. A plan the carrier
 * reports in bulk (`GET /usages`, 50 devices a call) is read that way; one it does not (a shared plan, an
 * Essential account) is read device by device. At most `SIMOPT_MAX_PAGES_PER_JOB` calls a job, each job
 * committing its readings with where it stopped. The last job records how far the provider is synced and
 * hands over to building the problem.
 */
import { SimoptError } from '../../domain/index.js'
import { upsertUsage, type SyncedUsage } from '../../store/device-sync.js'
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
  /** Rate plans that have devices, in the order they are read. */
  readonly plans: readonly string[]
  readonly plan: number
  readonly mode: 'bulk' | 'devices'
  /** The next page (bulk) or the number of the plan's devices already read (devices). */
  readonly at: number
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
            mode: 'bulk',
            at: 1,
          }
        : (JSON.parse(sync.usage_cursor) as UsageCursor)
    const readings: SyncedUsage[] = []
    for (let calls = 0; calls < config.maxPagesPerJob && cursor.plan < cursor.plans.length; ) {
      const plan = cursor.plans[cursor.plan]!
      if (cursor.mode === 'bulk') {
        const answer = await carrier.usageByRatePlan(plan, period.starts_at, cursor.at)
        calls++
        if (answer.kind === 'not-available') {
          cursor = { ...cursor, mode: 'devices', at: 0 }
          continue
        }
        const measuredAt = Date.now()
        for (const device of answer.devices) readings.push({ iccid: device.iccid, usageMb: device.dataMb, sms: device.sms, measuredAt })
        cursor = answer.lastPage ? { ...cursor, plan: cursor.plan + 1, at: 1 } : { ...cursor, at: cursor.at + 1 }
        continue
      }
      const requested = config.maxPagesPerJob - calls
      const devices = await db
        .selectFrom('devices')
        .select('iccid')
        .where('provider_id', '=', provider.id)
        .where('rate_plan', '=', plan)
        .orderBy('iccid')
        .offset(cursor.at)
        .limit(requested)
        .execute()
      for (const device of devices) {
        const usage = await carrier.cycleUsage(device.iccid)
        calls++
        readings.push({ iccid: usage.iccid, usageMb: usage.dataMb, sms: usage.sms, measuredAt: usage.measuredAt })
      }
      // Fewer than asked for: the plan's devices are all read.
      cursor = devices.length < requested ? { ...cursor, plan: cursor.plan + 1, mode: 'bulk', at: 1 } : { ...cursor, at: cursor.at + devices.length }
    }
    const done = cursor.plan >= cursor.plans.length
    const callsAfter = carrierCalls(provider.id)

    await commit(async (trx) => {
      await upsertUsage(trx, period.id, readings)
      await trx
        .updateTable('syncs')
        .set((eb) => ({
          stage: done ? 'done' : 'usage',
          usage_cursor: JSON.stringify(cursor),
          usage_rows: eb('usage_rows', '+', readings.length),
          calls: eb('calls', '+', callsAfter.calls - callsBefore.calls),
          errors: eb('errors', '+', callsAfter.errors - callsBefore.errors),
          ...(done ? { finished_at: Date.now() } : {}),
        }))
        .where('instance_id', '=', instanceId)
        .execute()
      if (!done) return [job('sync-usage', instanceId, `${cursor.plan}-${cursor.mode}-${cursor.at}`)]
      await trx.updateTable('service_providers').set({ devices_synced_till: sync.window_till }).where('id', '=', provider.id).execute()
      const notices = await newCommPlansNotice(trx, config, instanceId, instance.session_id, provider.id)
      return [job('build-problem', instanceId), ...notices, ...(await moveInstance(trx, config, instanceId, instance.session_id, 'optimizing'))]
    })
  },
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
