/** Test fixtures for customer sheets that the import would refuse (a sheet that no longer has a SIM's plan). */
import type { CustomerPlan } from '../../src/domain/index.js'
import { findTenant, inTransaction, replaceCustomerSheet, type Store } from '../../src/store/index.js'

/** Replaces the tenant's customer plans, keeping its memberships as they are (their plans may vanish). */
export async function replaceCustomerPlansOnly(store: Store, tenantName: string, plans: readonly CustomerPlan[]): Promise<void> {
  const tenant = (await findTenant(store.db, tenantName))!
  const members = await store.db.selectFrom('customer_sims as s').innerJoin('customers as c', 'c.id', 's.customer_id').select(['s.iccid', 'c.external_id', 's.plan_code', 's.bill_in_advance']).where('s.tenant_id', '=', tenant.id).execute()
  await inTransaction(store, (trx) =>
    replaceCustomerSheet(trx, store.dialect, tenant.id, plans, [], members.map((m) => ({ iccid: m.iccid, customer: m.external_id, customerName: '', plan: m.plan_code, billInAdvance: m.bill_in_advance === 1 }))),
  )
}
