/**
 * Stores a price sheet and a fleet read from the files of DESIGN.md §6 as one provider's state for one
 * billing period. All or nothing: inside one transaction it replaces the provider's plans, pools, communication
 * plans and devices and the period's usage, so a session never sees half an import.
 */
import { mobilityGroups, type Problem } from '../domain/index.js'
import type { PeriodRow, ProviderRow } from './accounts.js'
import { insertRows } from './bulk-insert.js'
import { sql, type Transaction } from 'kysely'
import type { Dialect } from './database.js'
import { replaceOptimizationGroups } from './optimization-groups.js'
import type { Database } from './schema.js'
import { planTermColumns } from './plan-term-columns.js'

const DAY_MS = 86_400_000

export interface ImportCounts {
  readonly plans: number
  readonly commPlans: number
  readonly devices: number
}

/** Run it in the transaction that also creates the tenant, provider and period, so a failure leaves nothing. */
export async function importFleet(
  trx: Transaction<Database>,
  dialect: Dialect,
  provider: Pick<ProviderRow, 'id'>,
  period: PeriodRow,
  problem: Problem,
  scope: 'price sheet' | 'price sheet and fleet' = 'price sheet and fleet',
): Promise<ImportCounts> {
  const { plans, pools, commPlans, sims } = problem
  const now = Date.now()
  const periodDays = Math.round((period.ends_at - period.starts_at) / DAY_MS)
  for (const table of ['rate_plans', 'pools', 'comm_plans'] as const) {
    await trx.deleteFrom(table).where('provider_id', '=', provider.id).execute()
  }
  await trx.deleteFrom('comm_plan_rate_plans').where('provider_id', '=', provider.id).execute()
  await insertRows(
    trx,
    dialect,
    'rate_plans',
    plans.map((plan, position) => ({
      provider_id: provider.id,
      ...planTermColumns(plan),
      position,
      rate_plan_type: plan.type ?? null,
      voice_included_min: plan.voice?.included ?? null,
      voice_block_min: plan.voice?.blockSize ?? null,
      voice_block_price: plan.voice?.blockPrice ?? null,
      sms_included: plan.text?.included ?? null,
      sms_block: plan.text?.blockSize ?? null,
      sms_block_price: plan.text?.blockPrice ?? null,
    })),
  )
  await replaceOptimizationGroups(trx, provider.id, problem.fleet === 'mobility' ? mobilityGroups(problem) : [])
  // Named pools keep their own terms; a plan's own pool is described by the plan.
  const namedPools = pools.filter((pool) => pool.plans.some((p) => plans[p]!.pool === pool.name))
  await insertRows(
    trx,
    dialect,
    'pools',
    namedPools.map((pool) => ({ provider_id: provider.id, name: pool.name, overage_block_mb: pool.overageBlockMb, overage_block_price: pool.overageBlockPrice })),
  )
  await insertRows(trx, dialect, 'comm_plans', commPlans.map((commPlan, position) => ({ provider_id: provider.id, name: commPlan.name, position })))
  await insertRows(
    trx,
    dialect,
    'comm_plan_rate_plans',
    commPlans.flatMap((commPlan) =>
      commPlan.allowedPlans.map((p, position) => ({ provider_id: provider.id, comm_plan: commPlan.name, plan_code: plans[p]!.code, position })),
    ),
  )
  if (scope === 'price sheet and fleet') {
    await trx.deleteFrom('devices').where('provider_id', '=', provider.id).execute()
    await trx.deleteFrom('usage_readings').where('period_id', '=', period.id).execute()
    await insertRows(
      trx,
      dialect,
      'devices',
      (function* () {
        for (let i = 0; i < sims.count; i++) {
          const days = sims.daysActive[i]!
          yield {
            provider_id: provider.id,
            iccid: sims.iccid[i]!,
            msisdn: null,
            status: 'ACTIVATED',
            comm_plan: commPlans[sims.commPlan[i]!]!.name,
            rate_plan: plans[sims.currentPlan[i]!]!.code,
            // Days active in the period, stored as the activation date that gives them.
            activated_at: days >= periodDays ? null : period.ends_at - days * DAY_MS,
            auto_change: sims.autoChange[i]!,
            updated_at: now,
          }
        }
      })(),
    )
    await insertRows(
      trx,
      dialect,
      'usage_readings',
      (function* () {
        // Files carry usage already projected: no measurement time, so it is priced as given.
        for (let i = 0; i < sims.count; i++) yield { period_id: period.id, iccid: sims.iccid[i]!, usage_mb: sims.usageMb[i]!, sms: sims.sms[i]!, voice_min: sims.voiceMinutes?.[i] ?? 0, measured_at: null }
      })(),
    )
    // Fresh statistics, or PostgreSQL reads the new fleet back by scanning it for every page.
    if (dialect === 'postgres') await sql`analyze devices, usage_readings`.execute(trx)
  }
  return { plans: plans.length, commPlans: commPlans.length, devices: scope === 'price sheet' ? 0 : sims.count }
}
