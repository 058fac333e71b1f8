/**
 * Customers of a tenant (issue 20): the customer price sheet and SIM memberships imported from files, and the
 * customers listed. The command line and the API call these with their own context.
 */
import { SimoptError, quoteInput, type CustomerPlan, type PoolDefinition } from '../domain/index.js'
import { inputError, readCustomerPlansFiles, readCustomerSimsFile } from '../io/index.js'
import {
  customerOutcomes,
  customerSavingsByPeriod,
  customerSessionScope,
  findCustomer,
  findTenant,
  inTransaction,
  listCustomerSessions,
  listCustomers,
  readCustomerPlans,
  replaceCustomerSheet,
  tenantIccids,
  type CustomerImportCounts,
  type CustomerListing,
  type CustomerOutcomeRow,
  type CustomerPeriodSavings,
  type CustomerSessionLine,
} from '../store/index.js'
import type { ServiceContext } from './context.js'
import { reachableSession, sessionNotFound, type TenantScope } from './session-scope.js'
import { visibleTenant, type Viewer } from './tenant-access.js'

export interface CustomerImportInput {
  readonly tenant: string
  /** `customer_plans.csv`. */
  readonly plans: string
  /** `customer_pools.csv`, optional. */
  readonly pools?: string | undefined
  /** `customers.csv` (no usage columns: runs price the last synced usage). */
  readonly customers: string
}

/**
 * Replaces the tenant's customer price sheet and memberships. Every SIM must be a device of one of the
 * tenant's providers (import or sync the fleets first).
 * @throws SimoptError `TENANT_NOT_FOUND`; `INPUT_INVALID` naming the file, line and column; nothing is stored then.
 */
export async function importCustomerFiles(ctx: ServiceContext, input: CustomerImportInput): Promise<CustomerImportCounts> {
  const { store } = ctx
  const tenant = await findTenant(store.db, input.tenant)
  if (tenant === undefined) throw new SimoptError('TENANT_NOT_FOUND', `tenant ${quoteInput(input.tenant)} does not exist (import a fleet first: simopt import)`)
  const { plans, pools } = await readCustomerPlansFiles(input.plans, input.pools)
  const lines = await readCustomerSimsFile(input.customers, plans, 'refused')
  const known = await tenantIccids(store.db, tenant.id)
  for (const line of lines) {
    if (!known.has(line.iccid)) throw inputError({ file: input.customers, line: line.line, column: line.iccidColumn, columnName: 'iccid' }, `SIM ${line.iccid} is not a device of any provider of tenant ${input.tenant}`)
  }
  return inTransaction(store, (trx) => replaceCustomerSheet(trx, store.dialect, tenant.id, plans, pools, lines))
}

/** @throws SimoptError `TENANT_NOT_FOUND`. */
export async function tenantCustomers(ctx: ServiceContext, tenantName: string): Promise<CustomerListing[]> {
  const tenant = await findTenant(ctx.store.db, tenantName)
  if (tenant === undefined) throw new SimoptError('TENANT_NOT_FOUND', `tenant ${quoteInput(tenantName)} does not exist`)
  return listCustomers(ctx.store.db, tenant.id)
}

/** A customer as the API shows it. */
export interface CustomerView {
  readonly externalId: string
  readonly name: string
  readonly sims: number
}

/** @throws SimoptError `TENANT_NOT_FOUND` (also for a tenant the viewer may not see). */
export async function customersOf(ctx: ServiceContext, tenantName: string, viewer?: Viewer): Promise<CustomerView[]> {
  const tenant = await visibleTenant(ctx.store.db, viewer, tenantName)
  return (await listCustomers(ctx.store.db, tenant.id)).map((row) => ({ externalId: row.external_id, name: row.name, sims: row.sims }))
}

/** The tenant's customer rate plans and pools. @throws SimoptError `TENANT_NOT_FOUND`. */
export async function customerPriceSheet(ctx: ServiceContext, tenantName: string, viewer?: Viewer): Promise<{ plans: CustomerPlan[]; pools: PoolDefinition[] }> {
  const tenant = await visibleTenant(ctx.store.db, viewer, tenantName)
  return readCustomerPlans(ctx.store.db, tenant.id)
}

/** A customer's bill before and after per period, newest first. @throws SimoptError `TENANT_NOT_FOUND`, `NOT_FOUND` (the customer). */
export async function customerSavings(ctx: ServiceContext, tenantName: string, externalId: string, periods: number, viewer?: Viewer): Promise<CustomerPeriodSavings[]> {
  const tenant = await visibleTenant(ctx.store.db, viewer, tenantName)
  const customer = await findCustomer(ctx.store.db, tenant.id, externalId)
  return customerSavingsByPeriod(ctx.store.db, customer.id, periods)
}

/**
 * A customer session's customers with their figures (bound and gap on the bill with shared pools whole).
 * @throws SimoptError `SESSION_NOT_FOUND` (also for a carrier session, or one the viewer may not see).
 */
export async function sessionCustomers(ctx: ServiceContext, sessionId: string, scope?: TenantScope): Promise<CustomerOutcomeRow[]> {
  await reachableSession(ctx, sessionId, scope)
  if ((await customerSessionScope(ctx.store.db, sessionId)).type !== 'customer') throw sessionNotFound(sessionId, scope)
  return customerOutcomes(ctx.store.db, sessionId)
}

/** The tenant's customer sessions, newest first. @throws SimoptError `TENANT_NOT_FOUND`. */
export async function customerSessionsOf(ctx: ServiceContext, tenantName: string, limit: number, viewer?: Viewer): Promise<CustomerSessionLine[]> {
  const tenant = await visibleTenant(ctx.store.db, viewer, tenantName)
  return listCustomerSessions(ctx.store.db, tenant.id, limit)
}
