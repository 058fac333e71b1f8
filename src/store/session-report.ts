/**
 * A finished instance's report, read from the database: its figures, its plan table (summed from its
 * components), and its SIMs and changes a page at a time, so a million rows never sit in memory.
 */
import type { AssignmentLine, ChangeLine, ReportSource, ReportSummary } from '../io/report/report-source.js'
import type { Store } from './database.js'
import { instancePlanLines } from './plan-total-rows.js'
import { parseProviderSettings } from './provider-settings.js'
import { resultCosts, resultLine } from './results.js'

const PAGE = 20_000

/**
 * Amounts are in the provider's currency; times are shown in `timeZone` (the tenant's setting, which the
 * caller reads: tenant settings are the notifier's).
 * @throws Error when the instance does not exist or has no result yet.
 */
export async function instanceReport(store: Store, instanceId: string, timeZone = 'UTC'): Promise<ReportSource> {
  const { db } = store
  const instance = await db
    .selectFrom('instances')
    .innerJoin('sessions', 'sessions.id', 'instances.session_id')
    .innerJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .innerJoin('service_providers', 'service_providers.id', 'instances.provider_id')
    .innerJoin('billing_periods', 'billing_periods.id', 'instances.period_id')
    .select([
      'instances.session_id',
      'instances.provider_id',
      'instances.period_id',
      'instances.sims',
      'instances.changes',
      'instances.cost_before',
      'instances.cost_after',
      'instances.lower_bound',
      'instances.baseline_cost',
      'instances.finished_at',
      'sessions.created_at as started_at',
      'tenants.name as tenant',
      'service_providers.name as provider',
      'service_providers.devices_synced_till',
      'service_providers.settings as provider_settings',
      'billing_periods.name as period',
    ])
    .where('instances.id', '=', instanceId)
    .executeTakeFirstOrThrow()
  if (instance.cost_before === null || instance.cost_after === null) throw new Error(`instance ${instanceId} has no result yet`)
  const transitions = await db
    .selectFrom('state_transitions')
    .select(['to_status', 'at'])
    .where('entity', '=', 'instance')
    .where('entity_id', '=', instanceId)
    .orderBy('seq')
    .execute()
  const sync = await db.selectFrom('syncs').select('finished_at').where('instance_id', '=', instanceId).executeTakeFirst()
  const usage =
    sync === undefined
      ? undefined
      : await db.selectFrom('usage_readings').select((eb) => eb.fn.max('measured_at').as('at')).where('period_id', '=', instance.period_id).executeTakeFirst()
  const providerSettings = parseProviderSettings(instance.provider_settings, instance.provider)
  const mobility = providerSettings.fleet === 'mobility'
  const summary: ReportSummary = {
    tenant: instance.tenant,
    provider: instance.provider,
    period: instance.period,
    sessionId: instance.session_id,
    startedAt: instance.started_at,
    finishedAt: instance.finished_at,
    stages: stageSeconds(transitions),
    sims: instance.sims ?? 0,
    changes: instance.changes ?? 0,
    costBefore: instance.cost_before,
    costAfter: instance.cost_after,
    lowerBound: instance.lower_bound,
    baselineCost: instance.baseline_cost,
    devicesSyncedTill: sync === undefined ? null : instance.devices_synced_till,
    usageMeasuredTill: usage?.at == null ? null : Number(usage.at),
    generatedAt: Date.now(),
    ...(mobility ? { fleet: 'mobility' as const } : {}),
    currency: providerSettings.currency,
    timeZone,
  }
  return {
    summary,
    plans: await instancePlanLines(db, instanceId, instance.provider_id),
    assignments: () => assignmentLines(store, instanceId, instance.provider_id, mobility ? instance.period_id : undefined),
    changes: () => changeLines(store, instanceId, instance.provider_id),
  }
}

/** Seconds in each status the instance went through, the last one up to now if it has not ended. */
function stageSeconds(transitions: readonly { to_status: string; at: number }[]): { name: string; seconds: number }[] {
  const stages: { name: string; seconds: number }[] = []
  for (const [index, transition] of transitions.entries()) {
    const next = transitions[index + 1]
    if (next === undefined) break
    stages.push({ name: transition.to_status, seconds: (next.at - transition.at) / 1000 })
  }
  return stages
}

/**
 * `mobilityPeriod`: a Mobility instance's period, whose usage readings give each row its SMS and voice
 * minutes (as read when the report is made: results keep charges, not counts).
 */
async function* assignmentLines(store: Store, instanceId: string, providerId: string, mobilityPeriod?: string): AsyncGenerator<AssignmentLine> {
  for await (const row of resultPages(store, instanceId, providerId, false, mobilityPeriod)) {
    const counts = mobilityPeriod === undefined ? {} : { smsCount: row.sms ?? 0, voiceMinutes: row.voice_min ?? 0 }
    yield { ...resultLine(row), msisdn: row.msisdn, ...counts }
  }
}

async function* changeLines(store: Store, instanceId: string, providerId: string): AsyncGenerator<ChangeLine> {
  for await (const row of resultPages(store, instanceId, providerId, true)) {
    const cost = resultCosts(row)
    yield {
      iccid: row.iccid,
      msisdn: row.msisdn,
      commPlan: row.comm_plan,
      oldPlan: row.current_plan,
      newPlan: row.new_plan,
      costBefore: cost.before,
      costAfter: cost.after,
      saving: row.own_saving + row.pool_effect,
      ownSaving: row.own_saving,
      poolEffect: row.pool_effect,
      // Where the change stands with the carrier, when the report is made.
      status: row.change_status ?? 'planned',
    }
  }
}

/** Result rows with the device's MSISDN, in ICCID order, by keyset pages; `changedOnly` keeps SIMs whose plan changes. */
async function* resultPages(store: Store, instanceId: string, providerId: string, changedOnly: boolean, usagePeriod?: string) {
  let after = ''
  for (;;) {
    let query = store.db
      .selectFrom('results')
      .leftJoin('devices', (join) => join.on('devices.provider_id', '=', providerId).onRef('devices.iccid', '=', 'results.iccid'))
      .leftJoin('changes', (join) => join.onRef('changes.instance_id', '=', 'results.instance_id').onRef('changes.iccid', '=', 'results.iccid'))
      .selectAll('results')
      .select(['devices.msisdn', 'changes.status as change_status'])
      .$if(usagePeriod !== undefined, (qb) =>
        qb
          .leftJoin('usage_readings', (join) => join.on('usage_readings.period_id', '=', usagePeriod!).onRef('usage_readings.iccid', '=', 'results.iccid'))
          .select(['usage_readings.sms', 'usage_readings.voice_min']),
      )
      .where('results.instance_id', '=', instanceId)
      .where('results.iccid', '>', after)
    if (changedOnly) query = query.whereRef('results.new_plan', '<>', 'results.current_plan')
    const page = await query.orderBy('results.iccid').limit(PAGE).execute()
    yield* page
    if (page.length < PAGE) return
    after = page.at(-1)!.iccid
  }
}
