/**
 * Builds the problem of one provider and billing period from the database: its price sheet, and every
 * billed device that has a usage reading in the period, its usage projected to the period end (DESIGN.md §2). Data that cannot be priced
 * stops the build with a message naming the provider and the plan or device at fault.
 */
import {
  DEVICE_STATUSES,
  SimTableBuilder,
  SimoptError,
  UNBILLED_STATUSES,
  createMobilityProblem,
  createProblem,
  daysActiveIn,
  projectUsage,
  type CommPlan,
  type DeviceStatus,
  type MeteredAllowance,
  type RatePlan,
} from '../domain/index.js'
import type { PeriodRow, ProviderRow } from './accounts.js'
import type { Db, Store } from './database.js'
import { readOptimizationGroups } from './optimization-groups.js'
import type { ProblemSnapshot } from './problem-snapshot.js'
import { parseProviderSettings } from './provider-settings.js'
import { planTermsOf } from './plan-term-columns.js'

const PAGE = 50_000
const DAY_MS = 86_400_000

/**
 * Reads everything in one transaction (repeatable read on PostgreSQL; SQLite's WAL gives a transaction one
 * snapshot), so an import committing meanwhile is seen whole or not at all.
 */
export async function loadProblem(store: Store, provider: ProviderRow, period: PeriodRow, now: number): Promise<ProblemSnapshot> {
  const transaction = store.dialect === 'postgres' ? store.db.transaction().setIsolationLevel('repeatable read') : store.db.transaction()
  return transaction.execute((trx) => readProblem(trx, provider, period, now))
}

async function readProblem(db: Db, provider: ProviderRow, period: PeriodRow, now: number): Promise<ProblemSnapshot> {
  const where = `provider ${provider.name}, period ${period.name}`
  const fail = (message: string): never => {
    throw new SimoptError('INPUT_INVALID', `${where}: ${message}`)
  }
  const settings = parseProviderSettings(provider.settings, provider.name)

  const planRows = await db.selectFrom('rate_plans').selectAll().where('provider_id', '=', provider.id).orderBy('position').execute()
  if (planRows.length === 0) fail('no rate plans (import a price sheet first)')
  const plans: RatePlan[] = planRows.map((row) => ({
    ...planTermsOf(row),
    ...(row.rate_plan_type === null ? {} : { type: row.rate_plan_type }),
    ...bundle('voice', row.voice_included_min, row.voice_block_min, row.voice_block_price),
    ...bundle('text', row.sms_included, row.sms_block, row.sms_block_price),
  }))
  for (const plan of plans) {
    if (!(plan.overageBlockMb > 0)) fail(`rate plan ${plan.code} has an overage block size of ${plan.overageBlockMb} MB; it must be more than 0`)
    if (!(plan.overageBlockPrice > 0)) fail(`rate plan ${plan.code} has an overage block price of ${plan.overageBlockPrice}; it must be more than 0`)
  }
  const poolRows = await db.selectFrom('pools').selectAll().where('provider_id', '=', provider.id).orderBy('name').execute()
  for (const pool of poolRows) {
    if (!(pool.overage_block_mb > 0) || !(pool.overage_block_price > 0)) fail(`pool ${pool.name} must sell overage in blocks of more than 0 MB at a price above 0`)
  }
  const planIndex = new Map(plans.map((plan, index) => [plan.code, index]))
  // A Mobility provider's SIMs pool and move by optimization group and rate plan type, not communication plan.
  const mobility = settings.fleet === 'mobility'
  const groups = mobility ? await readOptimizationGroups(db, provider.id) : []
  if (mobility && groups.length === 0) fail('no optimization groups (import a Mobility price sheet, with optimization_group, first)')

  const commPlanRows = await db.selectFrom('comm_plans').selectAll().where('provider_id', '=', provider.id).orderBy('position').execute()
  const allowedRows = await db.selectFrom('comm_plan_rate_plans').selectAll().where('provider_id', '=', provider.id).orderBy('position').execute()
  const commPlans: CommPlan[] = commPlanRows.map((row) => ({
    name: row.name,
    allowedPlans: allowedRows.filter((allowed) => allowed.comm_plan === row.name).map((allowed) => planIndex.get(allowed.plan_code) ?? fail(`communication plan ${row.name} allows unknown rate plan ${allowed.plan_code}`)),
  }))
  const commPlanIndex = new Map(commPlans.map((commPlan, index) => [commPlan.name, index]))
  const allowed = new Set(commPlans.flatMap((commPlan, c) => commPlan.allowedPlans.map((p) => c * plans.length + p)))
  // A device the carrier has on a plan its communication plan does not allow in the price sheet (a
  // communication plan first seen in a sync allows none yet) keeps its plan: it is priced where it is,
  // counted in its pool, and never moved. It gets a communication plan of its own kind (the same name,
  // the plans of the original and its own), so no other SIM can move to that plan through it.
  const strays = new Map<string, number>()
  const strayCommPlan = (c: number, p: number): number => {
    const key = `${c}:${p}`
    let index = strays.get(key)
    if (index === undefined) {
      index = commPlans.length
      commPlans.push({ name: commPlans[c]!.name, allowedPlans: [...commPlans[c]!.allowedPlans, p] })
      strays.set(key, index)
    }
    return index
  }

  const bounds = { start: period.starts_at, end: period.ends_at }
  const periodDays = Math.round((period.ends_at - period.starts_at) / DAY_MS)
  const sims = new SimTableBuilder(PAGE)
  const raw: number[] = []
  let after = ''
  for (;;) {
    const page = await db
      .selectFrom('devices as d')
      .innerJoin('usage_readings as u', (join) => join.onRef('u.iccid', '=', 'd.iccid').on('u.period_id', '=', period.id))
      .select(['d.iccid', 'd.status', 'd.comm_plan', 'd.rate_plan', 'd.activated_at', 'd.auto_change', 'u.usage_mb', 'u.sms', 'u.voice_min', 'u.measured_at'])
      .where('d.provider_id', '=', provider.id)
      .where('d.status', 'not in', UNBILLED_STATUSES)
      .where('d.iccid', '>', after)
      .orderBy('d.iccid')
      .limit(PAGE)
      .execute()
    for (const row of page) {
      const device = `device ${row.iccid}`
      const listed = mobility ? 0 : (commPlanIndex.get(row.comm_plan) ?? fail(`${device} is on unknown communication plan ${row.comm_plan}`))
      const current = planIndex.get(row.rate_plan) ?? fail(`${device} is on unknown rate plan ${row.rate_plan}`)
      // Mobility: the allowed plans follow from the current plan (createMobilityProblem), none is a stray.
      const stray = !mobility && !allowed.has(listed * plans.length + current)
      const commPlan = stray ? strayCommPlan(listed, current) : listed
      const usage = row.usage_mb
      const status = (DEVICE_STATUSES as readonly string[]).includes(row.status) ? (row.status as DeviceStatus) : 'ACTIVATED'
      raw.push(usage)
      sims.add({
        iccid: row.iccid,
        usageMb: projectUsage({ usageMb: usage, status, measuredAt: row.measured_at ?? undefined }, bounds, now, settings.projection),
        sms: row.sms,
        voiceMinutes: row.voice_min,
        commPlan,
        currentPlan: current,
        daysActive: daysActiveIn({ name: period.name, ...bounds, days: periodDays }, row.activated_at ?? undefined),
        autoChange: row.auto_change === 1 && !stray,
      })
    }
    if (page.length < PAGE) break
    after = page.at(-1)!.iccid
  }
  if (sims.count === 0) fail('no devices with usage in this period (import or sync them first)')
  const poolDefinitions = poolRows.map((row) => ({ name: row.name, overageBlockMb: row.overage_block_mb, overageBlockPrice: row.overage_block_price }))
  const billing = { periodDays, prorate: settings.prorate }
  const build = () =>
    mobility
      ? createMobilityProblem({ plans, groups, poolDefinitions, sims: sims.build(), billing })
      : createProblem({ plans, poolDefinitions, commPlans, sims: sims.build(), billing })
  let problem
  try {
    problem = build()
  } catch (error) {
    // What the price sheet breaks (say, plans sharing a pool on different terms), said for this provider.
    if (error instanceof SimoptError) fail(error.message)
    throw error
  }
  return { problem, rawUsageMb: Float64Array.from(raw), minSavingPerChange: settings.minSavingPerChange }
}

/** A plan's voice or SMS bundle from its three columns; none when they are null. */
function bundle<K extends 'voice' | 'text'>(key: K, included: number | null, blockSize: number | null, blockPrice: number | null): Partial<Record<K, MeteredAllowance>> {
  if (included === null || blockSize === null || blockPrice === null) return {}
  return { [key]: { included, blockSize, blockPrice } } as Partial<Record<K, MeteredAllowance>>
}
