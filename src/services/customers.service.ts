/**
 * Customers of a tenant (issue 20): the customer price sheet and SIM memberships imported from files, and the
 * customers listed. The command line and the API call these with their own context.
 */
import { SimoptError, quoteInput } from '../domain/index.js'
import { inputError, readCustomerPlansFiles, readCustomerSimsFile } from '../io/index.js'
import { findTenant, inTransaction, listCustomers, replaceCustomerSheet, tenantIccids, type CustomerImportCounts, type CustomerListing } from '../store/index.js'
import type { ServiceContext } from './context.js'

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
