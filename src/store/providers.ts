/** A tenant's service providers (carrier accounts) as the account screens read and change them; settings parsed. */
import { SimoptError, quoteInput, type BillingCycle } from '../domain/index.js'
import type { ProviderRow } from './accounts.js'
import type { Db } from './database.js'
import { parseProviderSettings, type ProviderSettings } from './provider-settings.js'

/** How a provider's fleet and usage reach simopt: a carrier's API (Jasper, ThingSpace), or CSV files (`simopt import`). */
export const PROVIDER_INTEGRATIONS = ['jasper', 'thingspace', 'telegence', 'files'] as const
export type ProviderIntegration = (typeof PROVIDER_INTEGRATIONS)[number]

export interface ProviderAccount {
  readonly id: string
  readonly tenantId: string
  readonly name: string
  readonly integration: ProviderIntegration
  /** The carrier API's address as stored (it may hold a password set by an old version: redact before showing). */
  readonly baseUrl: string | null
  /** Sealed `{ user, apiKey, url }` and, for ThingSpace, its client id, secret and account (`provider-credentials.ts`); never shown. */
  readonly sealedCredentials: string | null
  readonly cycle: BillingCycle
  readonly settings: ProviderSettings
  /** Epoch ms. */
  readonly createdAt: number
}

/** What an account change sets; fields left out stay as they are. */
export interface ProviderAccountChange {
  readonly integration?: ProviderIntegration
  readonly baseUrl?: string | null
  readonly sealedCredentials?: string | null
  readonly cycle?: BillingCycle
  readonly settings?: ProviderSettings
}

export function toProviderAccount(row: ProviderRow): ProviderAccount {
  const integration = PROVIDER_INTEGRATIONS.find((known) => known === row.integration)
  if (integration === undefined) throw new SimoptError('INPUT_INVALID', `provider ${row.name} has an unknown integration ${quoteInput(row.integration)}`)
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    integration,
    baseUrl: row.base_url,
    sealedCredentials: row.credentials,
    cycle: { timeZone: row.time_zone, cycleEndDay: row.cycle_end_day, cycleEndHour: row.cycle_end_hour },
    settings: parseProviderSettings(row.settings, row.name),
    createdAt: row.created_at,
  }
}

/** The tenant's providers by name. */
export async function listProviders(db: Db, tenantId: string): Promise<ProviderAccount[]> {
  const rows = await db.selectFrom('service_providers').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute()
  return rows.map(toProviderAccount)
}

export async function hasProviders(db: Db, tenantId: string): Promise<boolean> {
  return (await db.selectFrom('service_providers').select('id').where('tenant_id', '=', tenantId).executeTakeFirst()) !== undefined
}

export async function findProviderOf(db: Db, tenantId: string, name: string): Promise<ProviderAccount | undefined> {
  const row = await db.selectFrom('service_providers').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst()
  return row === undefined ? undefined : toProviderAccount(row)
}

/** The provider of the tenant named `tenant`, if both exist. */
export async function findProviderByNames(db: Db, tenant: string, provider: string): Promise<ProviderAccount | undefined> {
  const row = await db
    .selectFrom('service_providers')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .selectAll('service_providers')
    .where('tenants.name', '=', tenant)
    .where('service_providers.name', '=', provider)
    .executeTakeFirst()
  return row === undefined ? undefined : toProviderAccount(row)
}

/** Applies `change` to the provider and gives it back as stored. */
export async function updateProviderAccount(db: Db, provider: ProviderAccount, change: ProviderAccountChange): Promise<ProviderAccount> {
  const next: ProviderAccount = { ...provider, ...change }
  await db
    .updateTable('service_providers')
    .set({
      integration: next.integration,
      base_url: next.baseUrl,
      credentials: next.sealedCredentials,
      time_zone: next.cycle.timeZone,
      cycle_end_day: next.cycle.cycleEndDay,
      cycle_end_hour: next.cycle.cycleEndHour,
      settings: JSON.stringify(next.settings),
    })
    .where('id', '=', provider.id)
    .execute()
  return next
}
