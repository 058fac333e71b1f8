/** Tenants, their service providers and billing periods: found by name, created when missing. */
import { randomUUID } from 'node:crypto'
import type { Selectable } from 'kysely'
import { checkName } from './names.js'
import { SimoptError, billingPeriod, quoteInput, type BillingCycle, type BillingPeriod } from '../domain/index.js'
import type { Db } from './database.js'
import type { BillingPeriodTable, ServiceProviderTable } from './schema.js'
import { providerSettingsSchema, type ProviderSettings } from './provider-settings.js'

export type ProviderRow = Selectable<ServiceProviderTable>
export type PeriodRow = Selectable<BillingPeriodTable>

export interface NewProvider extends BillingCycle {
  readonly integration: string
  readonly settings: Partial<ProviderSettings>
  /** The carrier API's address; absent for a provider fed by imports. */
  readonly baseUrl?: string
  /** Already sealed (`SecretBox.seal`). */
  readonly sealedCredentials?: string
}

export async function ensureTenant(db: Db, name: string): Promise<string> {
  checkName('tenant', name)
  const found = await db.selectFrom('tenants').select('id').where('name', '=', name).executeTakeFirst()
  if (found !== undefined) return found.id
  const id = randomUUID()
  await db.insertInto('tenants').values({ id, name, created_at: Date.now() }).execute()
  return id
}

/** The tenant's provider `name`, created with `defaults` when it does not exist yet. */
export async function ensureProvider(db: Db, tenantId: string, name: string, defaults: NewProvider): Promise<ProviderRow> {
  const found = await db.selectFrom('service_providers').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst()
  if (found !== undefined) return found
  checkName('provider', name)
  billingPeriod('2000-01', defaults) // checks the cycle's settings before anything is stored
  const row: ProviderRow = {
    id: randomUUID(),
    tenant_id: tenantId,
    name,
    integration: defaults.integration,
    time_zone: defaults.timeZone,
    cycle_end_day: defaults.cycleEndDay,
    cycle_end_hour: defaults.cycleEndHour,
    settings: JSON.stringify(providerSettingsSchema.parse(defaults.settings)),
    base_url: defaults.baseUrl ?? null,
    credentials: defaults.sealedCredentials ?? null,
    devices_synced_till: null,
    created_at: Date.now(),
  }
  await db.insertInto('service_providers').values(row).execute()
  return row
}

/**
 * A tenant's provider by names.
 * @throws SimoptError `TENANT_NOT_FOUND` or `PROVIDER_NOT_FOUND` naming the one that does not exist.
 */
export async function findProvider(db: Db, tenant: string, provider: string): Promise<ProviderRow> {
  const tenantRow = await db.selectFrom('tenants').select('id').where('name', '=', tenant).executeTakeFirst()
  if (tenantRow === undefined) throw new SimoptError('TENANT_NOT_FOUND', `tenant ${quoteInput(tenant)} does not exist (simopt import creates it)`)
  const row = await db.selectFrom('service_providers').selectAll().where('tenant_id', '=', tenantRow.id).where('name', '=', provider).executeTakeFirst()
  if (row === undefined) throw new SimoptError('PROVIDER_NOT_FOUND', `tenant ${quoteInput(tenant, { bare: true })} has no service provider ${quoteInput(provider)}`)
  return row
}

export function cycleOf(provider: ProviderRow): BillingCycle {
  return { timeZone: provider.time_zone, cycleEndDay: provider.cycle_end_day, cycleEndHour: provider.cycle_end_hour }
}

/** The provider's billing period `name` (`YYYY-MM`), recorded on first use. */
export async function ensurePeriod(db: Db, provider: ProviderRow, name: string): Promise<PeriodRow> {
  const bounds: BillingPeriod = billingPeriod(name, cycleOf(provider))
  const found = await db.selectFrom('billing_periods').selectAll().where('provider_id', '=', provider.id).where('name', '=', name).executeTakeFirst()
  if (found !== undefined) return found
  const row: PeriodRow = { id: randomUUID(), provider_id: provider.id, name, starts_at: bounds.start, ends_at: bounds.end }
  await db.insertInto('billing_periods').values(row).onConflict((c) => c.columns(['provider_id', 'name']).doNothing()).execute()
  return (await db.selectFrom('billing_periods').selectAll().where('provider_id', '=', provider.id).where('name', '=', name).executeTakeFirstOrThrow())
}
