/** What a tick of the schedule reads: the providers with their and their tenant's settings, and the sessions that matter. */
import type { Db } from './database.js'
import type { SessionStatus } from './statuses.js'
import { FINISHED_STATUSES } from './statuses.js'

/** A provider as the schedule sees it; both settings are JSON, parsed by the caller (a bad row is reported, not thrown). */
export interface ScheduledProviderRow {
  readonly id: string
  readonly name: string
  readonly tenantId: string
  readonly tenant: string
  readonly tenantSettings: string
  readonly settings: string
  readonly timeZone: string
  readonly cycleEndDay: number
  readonly cycleEndHour: number
}

/** Every provider, or a tenant's (by name), in tenant then provider name order. */
export async function scheduledProviders(db: Db, tenant?: string): Promise<ScheduledProviderRow[]> {
  let query = db
    .selectFrom('service_providers')
    .innerJoin('tenants', 'tenants.id', 'service_providers.tenant_id')
    .select(['service_providers.id', 'service_providers.name', 'service_providers.tenant_id as tenantId', 'tenants.name as tenant', 'tenants.settings as tenantSettings'])
    .select(['service_providers.time_zone as timeZone', 'service_providers.cycle_end_day as cycleEndDay', 'service_providers.cycle_end_hour as cycleEndHour', 'service_providers.settings'])
    .orderBy('tenants.name')
    .orderBy('service_providers.name')
  if (tenant !== undefined) query = query.where('tenants.name', '=', tenant)
  return query.execute()
}

export interface ScheduleSessionRow {
  readonly id: string
  readonly tenantId: string
  readonly providerId: string
  readonly createdAt: number
  readonly status: SessionStatus
}

/** Sessions created by `at` that are recent (created within `lookbackMs`) or still running. */
export async function sessionsForSchedule(db: Db, at: number, lookbackMs: number): Promise<ScheduleSessionRow[]> {
  return db
    .selectFrom('sessions')
    .select(['id', 'tenant_id as tenantId', 'provider_id as providerId', 'created_at as createdAt', 'status'])
    .where('created_at', '<=', at)
    .where((eb) => eb.or([eb('created_at', '>', at - lookbackMs), eb('status', 'not in', FINISHED_STATUSES)]))
    .execute()
}
