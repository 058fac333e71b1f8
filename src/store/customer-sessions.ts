/**
 * Customer sessions (issue 20): one instance per customer, each holding the customer's recommended plans as
 * result rows (their `comm_plan` column holds the customer's external id) and its figures; the session's
 * customers listed with them for the consolidated report.
 */
import type { CustomerOutcome } from '../optimizer/index.js'
import type { Db, Dialect } from './database.js'
import { insertRows } from './bulk-insert.js'
import { pendingInstanceRow } from './instances.js'
import { parseProviderSettings } from './provider-settings.js'
import type { InstanceStatus } from './statuses.js'
import type { Trx } from './schema.js'

/** What a customer session covers. */
export interface CustomerSessionScope {
  readonly tenantId: string
  readonly providerId: string
  readonly periodId: string
  readonly period: string
  /** One customer (`customers.id`), or null: every customer of the tenant with a SIM. */
  readonly customerId: string | null
}

export async function customerSessionScope(db: Db, sessionId: string): Promise<CustomerSessionScope & { type: string }> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('billing_periods as b', 'b.id', 's.period_id')
    .select(['s.tenant_id', 's.provider_id', 's.period_id', 'b.name', 's.customer_id', 's.type'])
    .where('s.id', '=', sessionId)
    .executeTakeFirstOrThrow()
  return { tenantId: row.tenant_id, providerId: row.provider_id, periodId: row.period_id, period: row.name, customerId: row.customer_id, type: row.type }
}

/** Sets the one customer a customer session covers (right after `insertSession`, in its transaction). */
export async function setSessionCustomer(trx: Trx, sessionId: string, customerId: string): Promise<void> {
  await trx.updateTable('sessions').set({ customer_id: customerId }).where('id', '=', sessionId).execute()
}

/** Customers (ids) the session covers that have SIMs, by external id. */
export async function customersToRun(db: Db, scope: CustomerSessionScope): Promise<string[]> {
  let query = db.selectFrom('customers as c').innerJoin('customer_sims as s', 's.customer_id', 'c.id').select('c.id').distinct().where('c.tenant_id', '=', scope.tenantId)
  if (scope.customerId !== null) query = query.where('c.id', '=', scope.customerId)
  return (await query.orderBy('c.id').execute()).map((row) => row.id)
}

export async function insertCustomerInstances(db: Db, sessionId: string, scope: CustomerSessionScope, instances: readonly { id: string; customerId: string }[], now = Date.now()): Promise<void> {
  const rows = instances.map((instance) => pendingInstanceRow({ id: instance.id, sessionId, providerId: scope.providerId, periodId: scope.periodId, customerId: instance.customerId }, now))
  await db.insertInto('instances').values(rows).execute()
}

/** A customer instance with what its job needs. */
export interface CustomerInstance {
  readonly sessionId: string
  readonly tenantId: string
  readonly period: string
  readonly status: InstanceStatus
  readonly customerId: string
  readonly externalId: string
  readonly name: string
}

/** @throws Error when the instance is not a customer instance. */
export async function customerInstance(db: Db, instanceId: string): Promise<CustomerInstance> {
  const row = await db
    .selectFrom('instances as i')
    .innerJoin('sessions as s', 's.id', 'i.session_id')
    .innerJoin('billing_periods as b', 'b.id', 'i.period_id')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.session_id', 's.tenant_id', 'b.name as period', 'i.status', 'c.id', 'c.external_id', 'c.name'])
    .where('i.id', '=', instanceId)
    .executeTakeFirstOrThrow()
  return { sessionId: row.session_id, tenantId: row.tenant_id, period: row.period, status: row.status, customerId: row.id, externalId: row.external_id, name: row.name }
}

/** One SIM of a customer's result as stored (money unrounded). */
export interface CustomerResultRecord {
  readonly iccid: string
  readonly customer: string
  readonly currentPlan: string
  readonly newPlan: string
  readonly rawUsageMb: number
  readonly usageMb: number
  readonly monthlyBefore: number
  readonly overageBefore: number
  readonly smsBefore: number
  readonly monthlyAfter: number
  readonly overageAfter: number
  readonly smsAfter: number
}

/** What a customer's run found (the optimizer's outcome: bills, and cost, bound and old method on the bill with shared pools whole), and how old the usage priced is, in words. */
export type CustomerFigures = Pick<CustomerOutcome, 'sims' | 'changes' | 'billBefore' | 'billAfter' | 'costBefore' | 'costAfter' | 'lowerBound' | 'baselineCost'> & { readonly note: string }

/**
 * Stores the customer's result rows and figures and ends its instance `done`, in the job's transaction.
 * @returns false when another delivery of the job stored it first.
 */
export async function storeCustomerResult(trx: Trx, dialect: Dialect, instanceId: string, rows: readonly CustomerResultRecord[], figures: CustomerFigures): Promise<boolean> {
  const now = Date.now()
  const updated = await trx
    .updateTable('instances')
    .set({
      sims: figures.sims,
      changes: figures.changes,
      cost_before: figures.costBefore,
      cost_after: figures.costAfter,
      lower_bound: figures.lowerBound,
      baseline_cost: figures.baselineCost,
      bill_before: figures.billBefore,
      bill_after: figures.billAfter,
      component_count: 1,
      components_done: 1,
      message: figures.note,
      updated_at: now,
    })
    .where('id', '=', instanceId)
    .where('status', '<>', 'done')
    .executeTakeFirst()
  if (Number(updated.numUpdatedRows) === 0) return false
  await insertRows(
    trx,
    dialect,
    'results',
    rows.map((row) => ({
      instance_id: instanceId,
      iccid: row.iccid,
      comm_plan: row.customer,
      current_plan: row.currentPlan,
      new_plan: row.newPlan,
      raw_usage_mb: row.rawUsageMb,
      usage_mb: row.usageMb,
      monthly_before: row.monthlyBefore,
      overage_before: row.overageBefore,
      sms_before: row.smsBefore,
      monthly_after: row.monthlyAfter,
      overage_after: row.overageAfter,
      sms_after: row.smsAfter,
      own_saving: row.monthlyBefore + row.overageBefore + row.smsBefore - (row.monthlyAfter + row.overageAfter + row.smsAfter),
      pool_effect: 0,
    })),
  )
  return true
}

/** A customer of a session with its figures (null until its instance is done). */
export interface CustomerOutcomeRow {
  readonly instanceId: string
  readonly externalId: string
  readonly name: string
  readonly status: InstanceStatus
  readonly sims: number | null
  readonly changes: number | null
  readonly billBefore: number | null
  readonly billAfter: number | null
  readonly costBefore: number | null
  readonly costAfter: number | null
  readonly lowerBound: number | null
  readonly baselineCost: number | null
  readonly note: string | null
}

export async function customerOutcomes(db: Db, sessionId: string): Promise<CustomerOutcomeRow[]> {
  const rows = await db
    .selectFrom('instances as i')
    .innerJoin('customers as c', 'c.id', 'i.customer_id')
    .select(['i.id', 'c.external_id', 'c.name', 'i.status', 'i.sims', 'i.changes', 'i.bill_before', 'i.bill_after', 'i.cost_before', 'i.cost_after', 'i.lower_bound', 'i.baseline_cost', 'i.message'])
    .where('i.session_id', '=', sessionId)
    .orderBy('c.external_id')
    .execute()
  return rows.map((row) => ({
    instanceId: row.id,
    externalId: row.external_id,
    name: row.name,
    status: row.status,
    sims: row.sims,
    changes: row.changes,
    billBefore: row.bill_before,
    billAfter: row.bill_after,
    costBefore: row.cost_before,
    costAfter: row.cost_after,
    lowerBound: row.lower_bound,
    baselineCost: row.baseline_cost,
    note: row.message,
  }))
}

/** Customer results of an instance, in ICCID order. */
export async function customerResultRecords(db: Db, instanceId: string): Promise<CustomerResultRecord[]> {
  const rows = await db.selectFrom('results').selectAll().where('instance_id', '=', instanceId).orderBy('iccid').execute()
  return rows.map((row) => ({
    iccid: row.iccid,
    customer: row.comm_plan,
    currentPlan: row.current_plan,
    newPlan: row.new_plan,
    rawUsageMb: row.raw_usage_mb,
    usageMb: row.usage_mb,
    monthlyBefore: row.monthly_before,
    overageBefore: row.overage_before,
    smsBefore: row.sms_before,
    monthlyAfter: row.monthly_after,
    overageAfter: row.overage_after,
    smsAfter: row.sms_after,
  }))
}

/** The provider a customer session is filed under, as settings need it (its currency). */
export async function sessionProvider(db: Db, providerId: string): Promise<{ name: string; settings: string }> {
  return db.selectFrom('service_providers').select(['name', 'settings']).where('id', '=', providerId).executeTakeFirstOrThrow()
}

/** A customer's bill before and after per billing period, from its latest finished customer session of each. */
export interface CustomerPeriodSavings {
  readonly period: string
  readonly sessionId: string
  readonly billBefore: number
  readonly billAfter: number
}

/** The last `periods` billing periods (newest first) in which the customer was optimized. */
export async function customerSavingsByPeriod(db: Db, customerId: string, periods: number): Promise<CustomerPeriodSavings[]> {
  const rows = await db
    .selectFrom('instances as i')
    .innerJoin('sessions as s', 's.id', 'i.session_id')
    .innerJoin('billing_periods as b', 'b.id', 'i.period_id')
    .select(['b.name as period', 's.id as sessionId', 'i.bill_before', 'i.bill_after', 's.created_at'])
    .where('i.customer_id', '=', customerId)
    .where('s.status', '=', 'done')
    .where('i.status', '=', 'done')
    .orderBy('b.name', 'desc')
    .orderBy('s.created_at', 'desc')
    .execute()
  const latest = new Map<string, CustomerPeriodSavings>()
  for (const row of rows) {
    if (latest.has(row.period) || row.bill_before === null || row.bill_after === null) continue
    latest.set(row.period, { period: row.period, sessionId: row.sessionId, billBefore: row.bill_before, billAfter: row.bill_after })
  }
  return [...latest.values()].slice(0, periods)
}

/** How many of the session's customer instances are done, of how many. */
export async function customerProgress(db: Db, sessionId: string): Promise<{ done: number; total: number }> {
  const rows = await db.selectFrom('instances').select(['status']).where('session_id', '=', sessionId).execute()
  return { done: rows.filter((row) => row.status === 'done').length, total: rows.length }
}

/** A customer session as the tenant's list shows it. */
export interface CustomerSessionLine {
  readonly id: string
  readonly period: string
  readonly status: string
  readonly message: string | null
  readonly createdAt: number
  readonly finishedAt: number | null
  /** The one customer it covers (external id), or null: every customer. */
  readonly customer: string | null
  /** ISO 4217 code of its amounts (its provider's `currency`). */
  readonly currency: string
}

/** The tenant's customer sessions, newest first, at most `limit`. */
export async function listCustomerSessions(db: Db, tenantId: string, limit: number): Promise<CustomerSessionLine[]> {
  const rows = await db
    .selectFrom('sessions as s')
    .innerJoin('billing_periods as b', 'b.id', 's.period_id')
    .innerJoin('service_providers as p', 'p.id', 's.provider_id')
    .leftJoin('customers as c', 'c.id', 's.customer_id')
    .select(['s.id', 'b.name as period', 's.status', 's.message', 's.created_at', 's.finished_at', 'c.external_id', 'p.name as provider_name', 'p.settings'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.type', '=', 'customer')
    .orderBy('s.created_at', 'desc')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    period: row.period,
    status: row.status,
    message: row.message,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    customer: row.external_id ?? null,
    currency: parseProviderSettings(row.settings, row.provider_name).currency,
  }))
}
