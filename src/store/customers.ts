/**
 * Customers of a tenant (issue 20): who they are, which SIMs are billed to each (a SIM to one customer at most,
 * on any of the tenant's carrier accounts), the customer price sheet, and the sheet with the last synced usage
 * that a customer optimization prices.
 */
import { randomUUID } from 'node:crypto'
import type { Selectable } from 'kysely'
import {
  CHARGE_TYPES,
  DEVICE_STATUSES,
  SimoptError,
  UNBILLED_STATUSES,
  projectUsage,
  type ChargeType,
  type CustomerPlan,
  type CustomerSheet,
  type CustomerSim,
  type DeviceStatus,
  type PoolDefinition,
} from '../domain/index.js'
import { insertRows } from './bulk-insert.js'
import type { Db, Dialect } from './database.js'
import { parseProviderSettings } from './provider-settings.js'
import type { CustomerTable, Trx } from './schema.js'
import { planTermColumns, planTermsOf } from './plan-term-columns.js'

export type CustomerRow = Selectable<CustomerTable>

/** One SIM billed to a customer, as an import gives it. */
export interface CustomerMembership {
  readonly iccid: string
  /** The customer's external id. */
  readonly customer: string
  /** The customer's name; empty keeps the name it has (or, for a new customer, takes the external id). */
  readonly customerName: string
  /** Code of the customer plan the SIM is billed on. */
  readonly plan: string
  readonly billInAdvance: boolean
}

export interface CustomerImportCounts {
  readonly customers: number
  readonly newCustomers: number
  readonly plans: number
  readonly sims: number
}

/** ICCIDs of every device of the tenant, on any of its providers. */
export async function tenantIccids(db: Db, tenantId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('devices as d')
    .innerJoin('service_providers as p', 'p.id', 'd.provider_id')
    .select('d.iccid')
    .where('p.tenant_id', '=', tenantId)
    .execute()
  return new Set(rows.map((row) => row.iccid))
}

/**
 * Replaces the tenant's customer price sheet and SIM memberships in one transaction; customers are matched by
 * external id (created when new, renamed when the file names them otherwise) and kept when they lose their SIMs,
 * so their past sessions stay theirs.
 */
export async function replaceCustomerSheet(
  trx: Trx,
  dialect: Dialect,
  tenantId: string,
  plans: readonly CustomerPlan[],
  pools: readonly PoolDefinition[],
  members: readonly CustomerMembership[],
): Promise<CustomerImportCounts> {
  const now = Date.now()
  for (const table of ['customer_sims', 'customer_rate_plans', 'customer_rate_pools'] as const) {
    await trx.deleteFrom(table).where('tenant_id', '=', tenantId).execute()
  }
  const existing = new Map((await trx.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId).execute()).map((row) => [row.external_id, row]))
  const named = new Map<string, string>()
  for (const member of members) if (member.customerName !== '' || !named.has(member.customer)) named.set(member.customer, member.customerName)
  const idOf = new Map<string, string>()
  const created: CustomerRow[] = []
  for (const [externalId, name] of named) {
    const row = existing.get(externalId)
    if (row === undefined) {
      const id = randomUUID()
      created.push({ id, tenant_id: tenantId, external_id: externalId, name: name === '' ? externalId : name, created_at: now })
      idOf.set(externalId, id)
    } else {
      idOf.set(externalId, row.id)
      if (name !== '' && name !== row.name) await trx.updateTable('customers').set({ name }).where('id', '=', row.id).execute()
    }
  }
  await insertRows(trx, dialect, 'customers', created)
  await insertRows(
    trx,
    dialect,
    'customer_rate_plans',
    plans.map((plan, position) => ({
      tenant_id: tenantId,
      ...planTermColumns(plan),
      position,
      auto_change: plan.autoChange ? 1 : 0,
      charge_type: plan.chargeType,
    })),
  )
  await insertRows(trx, dialect, 'customer_rate_pools', pools.map((pool) => ({ tenant_id: tenantId, name: pool.name, overage_block_mb: pool.overageBlockMb, overage_block_price: pool.overageBlockPrice })))
  const sims = await insertRows(
    trx,
    dialect,
    'customer_sims',
    members.map((member) => ({ tenant_id: tenantId, iccid: member.iccid, customer_id: idOf.get(member.customer)!, plan_code: member.plan, bill_in_advance: member.billInAdvance ? 1 : 0 })),
  )
  return { customers: named.size, newCustomers: created.length, plans: plans.length, sims }
}

export interface CustomerListing extends CustomerRow {
  readonly sims: number
}

/** The tenant's customers by external id, with the number of SIMs billed to each. */
export async function listCustomers(db: Db, tenantId: string): Promise<CustomerListing[]> {
  const rows = await db
    .selectFrom('customers as c')
    .leftJoin('customer_sims as s', 's.customer_id', 'c.id')
    .select(['c.id', 'c.tenant_id', 'c.external_id', 'c.name', 'c.created_at', (eb) => eb.fn.count<number | string>('s.iccid').as('sims')])
    .where('c.tenant_id', '=', tenantId)
    .groupBy(['c.id', 'c.tenant_id', 'c.external_id', 'c.name', 'c.created_at'])
    .orderBy('c.external_id')
    .execute()
  return rows.map((row) => ({ ...row, sims: Number(row.sims) }))
}

/**
 * The tenant's customer by external id.
 * @throws SimoptError `NOT_FOUND` naming it.
 */
export async function findCustomer(db: Db, tenantId: string, externalId: string): Promise<CustomerRow> {
  const row = await db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId).where('external_id', '=', externalId).executeTakeFirst()
  if (row === undefined) throw new SimoptError('NOT_FOUND', `the tenant has no customer ${externalId}`)
  return row
}

/** The customer price sheet alone. */
export async function readCustomerPlans(db: Db, tenantId: string): Promise<{ plans: CustomerPlan[]; pools: PoolDefinition[] }> {
  const planRows = await db.selectFrom('customer_rate_plans').selectAll().where('tenant_id', '=', tenantId).orderBy('position').execute()
  const plans = planRows.map((row): CustomerPlan => ({
    ...planTermsOf(row),
    autoChange: row.auto_change === 1,
    chargeType: (CHARGE_TYPES as readonly string[]).includes(row.charge_type) ? (row.charge_type as ChargeType) : 'rate+overage',
  }))
  const poolRows = await db.selectFrom('customer_rate_pools').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute()
  return { plans, pools: poolRows.map((row) => ({ name: row.name, overageBlockMb: row.overage_block_mb, overageBlockPrice: row.overage_block_price })) }
}

/** A customer sheet with usage from the database, and how fresh that usage is. */
export interface StoredCustomerSheet {
  readonly sheet: CustomerSheet
  /** Newest time a reading of the priced SIMs was stored (epoch ms); null when all usage was imported from files. */
  readonly usageReadAt: number | null
  /** Oldest such time: what "the usage is N hours old" is said of. */
  readonly oldestUsageReadAt: number | null
  /** SIMs billed to a customer with no usage reading in the period (left out, as carrier runs leave them). */
  readonly unpriced: number
  /** Raw (unprojected) usage per SIM of `sheet.sims`, MB. */
  readonly rawUsageMb: Float64Array
}

/**
 * Every SIM billed to a customer with the last synced usage of period `periodName` on its provider, projected
 * to the period end as carrier runs project it. Triggers no sync.
 * @throws SimoptError `INPUT_INVALID` when the tenant has no customer plans or a SIM is on an unknown plan.
 */
export async function loadCustomerSheet(db: Db, tenantId: string, periodName: string, now: number, only?: { customerId: string }): Promise<StoredCustomerSheet> {
  const { plans, pools } = await readCustomerPlans(db, tenantId)
  if (plans.length === 0) throw new SimoptError('INPUT_INVALID', 'the tenant has no customer rate plans (import them first: simopt customers import)')
  const planIndex = new Map(plans.map((plan, index) => [plan.code, index]))
  // One customer's run needs its SIMs and the other customers' SIMs on plans of named pools (customerProblem keeps those it can reach).
  const pooledCodes = plans.filter((plan) => plan.pooled && plan.pool !== undefined).map((plan) => plan.code)
  const select = () =>
    db
      .selectFrom('customer_sims as s')
      .innerJoin('customers as c', 'c.id', 's.customer_id')
      .innerJoin('devices as d', 'd.iccid', 's.iccid')
      .innerJoin('service_providers as p', (join) => join.onRef('p.id', '=', 'd.provider_id').on('p.tenant_id', '=', tenantId))
      .innerJoin('billing_periods as b', (join) => join.onRef('b.provider_id', '=', 'p.id').on('b.name', '=', periodName))
      .leftJoin('usage_readings as u', (join) => join.onRef('u.period_id', '=', 'b.id').onRef('u.iccid', '=', 's.iccid'))
      .select(['s.iccid', 's.plan_code', 's.bill_in_advance', 'c.external_id', 'd.status', 'p.settings', 'p.name as provider', 'b.starts_at', 'b.ends_at', 'u.usage_mb', 'u.sms', 'u.measured_at', 'u.read_at'])
      .where('s.tenant_id', '=', tenantId)
      .where('d.status', 'not in', UNBILLED_STATUSES)
  // Two indexed reads rather than one with an OR, which no index serves: the customer's SIMs, then the others on named-pool plans.
  const rows =
    only === undefined
      ? await select().orderBy('c.external_id').orderBy('s.iccid').execute()
      : [
          ...(await select().where('s.customer_id', '=', only.customerId).orderBy('s.iccid').execute()),
          ...(pooledCodes.length === 0 ? [] : await select().where('s.plan_code', 'in', pooledCodes).where('s.customer_id', '<>', only.customerId).orderBy('c.external_id').orderBy('s.iccid').execute()),
        ]
  const projections = new Map<string, ReturnType<typeof parseProviderSettings>['projection']>()
  const sims: CustomerSim[] = []
  const raw: number[] = []
  let unpriced = 0
  let newest: number | null = null
  let oldest: number | null = null
  for (const row of rows) {
    if (row.usage_mb === null || row.sms === null) {
      unpriced++
      continue
    }
    const plan = planIndex.get(row.plan_code)
    if (plan === undefined) throw new SimoptError('INPUT_INVALID', `SIM ${row.iccid} of customer ${row.external_id} is billed on customer plan ${row.plan_code}, which the customer price sheet does not have`)
    let projection = projections.get(row.provider)
    if (projection === undefined) {
      projection = parseProviderSettings(row.settings, row.provider).projection
      projections.set(row.provider, projection)
    }
    const status = (DEVICE_STATUSES as readonly string[]).includes(row.status) ? (row.status as DeviceStatus) : 'ACTIVATED'
    const usageMb = projectUsage({ usageMb: row.usage_mb, status, measuredAt: row.measured_at ?? undefined }, { start: row.starts_at, end: row.ends_at }, now, projection)
    sims.push({ iccid: row.iccid, customer: row.external_id, plan, usageMb, sms: row.sms, billInAdvance: row.bill_in_advance === 1 })
    raw.push(row.usage_mb)
    if (row.read_at !== null) {
      newest = newest === null ? row.read_at : Math.max(newest, row.read_at)
      oldest = oldest === null ? row.read_at : Math.min(oldest, row.read_at)
    }
  }
  return { sheet: { plans, poolDefinitions: pools, sims }, usageReadAt: newest, oldestUsageReadAt: oldest, unpriced, rawUsageMb: Float64Array.from(raw) }
}
