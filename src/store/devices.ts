/**
 * A provider's devices as the carrier sync writes and reads them (added or updated by ICCID; pages are small, 50
 * devices, so each is one statement per table), with the communication plans it finds and how far it got.
 */
import type { Db } from './database.js'
import { parseProviderSettings } from './provider-settings.js'

export interface SyncedDevice {
  readonly iccid: string
  readonly status: string
  readonly ratePlan: string
  readonly commPlan: string
  /** From the device's details (or its usage answer); `undefined` when not read: the stored one is kept. */
  readonly msisdn?: string | undefined
  readonly activatedAt?: number | undefined
}

/** Upserts a page of devices; returns how many were new and how many communication plans were first seen. */
export async function upsertDevices(db: Db, providerId: string, devices: readonly SyncedDevice[], now: number): Promise<{ added: number; updated: number; commPlansAdded: number }> {
  if (devices.length === 0) return { added: 0, updated: 0, commPlansAdded: 0 }
  const known = await db.selectFrom('devices').select('iccid').where('provider_id', '=', providerId).where('iccid', 'in', devices.map((device) => device.iccid)).execute()
  await db
    .insertInto('devices')
    .values(
      devices.map((device) => ({
        provider_id: providerId,
        iccid: device.iccid,
        msisdn: device.msisdn ?? null,
        status: device.status,
        comm_plan: device.commPlan,
        rate_plan: device.ratePlan,
        activated_at: device.activatedAt ?? null,
        auto_change: 1,
        updated_at: now,
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(['provider_id', 'iccid']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        comm_plan: eb.ref('excluded.comm_plan'),
        rate_plan: eb.ref('excluded.rate_plan'),
        // The carrier may renumber a SIM; what it was not asked about stays as known.
        msisdn: eb.fn.coalesce('excluded.msisdn', 'devices.msisdn'),
        activated_at: eb.fn.coalesce('excluded.activated_at', 'devices.activated_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute()
  // A communication plan the price sheet does not list yet: recorded (allowing no plan until someone says
  // which), so it can be reported; its SIMs keep their plans meanwhile.
  const names = [...new Set(devices.map((device) => device.commPlan))]
  const added = await db
    .insertInto('comm_plans')
    .values(names.map((name) => ({ provider_id: providerId, name, position: 1_000_000 })))
    .onConflict((conflict) => conflict.columns(['provider_id', 'name']).doNothing())
    .returning('name')
    .execute()
  return { added: devices.length - known.length, updated: known.length, commPlansAdded: added.length }
}

/** The rate plan simopt has each of `iccids` on (those the provider has). */
export async function storedRatePlans(db: Db, providerId: string, iccids: readonly string[]): Promise<Map<string, string>> {
  if (iccids.length === 0) return new Map()
  const rows = await db.selectFrom('devices').select(['iccid', 'rate_plan']).where('provider_id', '=', providerId).where('iccid', 'in', [...iccids]).execute()
  return new Map(rows.map((row) => [row.iccid, row.rate_plan]))
}

/** The rate plans the provider's devices are on, in order: what the usage sync reads in bulk. */
export async function ratePlansInUse(db: Db, providerId: string): Promise<string[]> {
  const rows = await db.selectFrom('devices').select('rate_plan').distinct().where('provider_id', '=', providerId).orderBy('rate_plan').execute()
  return rows.map((row) => row.rate_plan)
}

/**
 * Communication plans of the provider that allow no rate plan in the price sheet (first seen in a sync), by name.
 * None for a Mobility provider: its SIMs move by optimization group and rate plan type, not communication plan.
 */
export async function unpricedCommPlans(db: Db, providerId: string): Promise<string[]> {
  const provider = await db.selectFrom('service_providers').select(['name', 'settings']).where('id', '=', providerId).executeTakeFirst()
  if (provider !== undefined && parseProviderSettings(provider.settings, provider.name).fleet === 'mobility') return []
  const rows = await db
    .selectFrom('comm_plans')
    .leftJoin('comm_plan_rate_plans', (join) => join.onRef('comm_plan_rate_plans.provider_id', '=', 'comm_plans.provider_id').onRef('comm_plan_rate_plans.comm_plan', '=', 'comm_plans.name'))
    .select('comm_plans.name')
    .where('comm_plans.provider_id', '=', providerId)
    .where('comm_plan_rate_plans.plan_code', 'is', null)
    .orderBy('comm_plans.name')
    .execute()
  return rows.map((row) => row.name)
}

/** Records that the provider's devices are synced up to `till` (epoch ms): the next sync's window starts there. */
export async function markDevicesSynced(db: Db, providerId: string, till: number): Promise<void> {
  await db.updateTable('service_providers').set({ devices_synced_till: till }).where('id', '=', providerId).execute()
}

/** The ICCIDs of a provider's devices in one of `statuses`, as last synced. */
export async function devicesInStatus(db: Db, providerId: string, statuses: readonly string[]): Promise<Set<string>> {
  if (statuses.length === 0) return new Set()
  const rows = await db.selectFrom('devices').select('iccid').where('provider_id', '=', providerId).where('status', 'in', [...statuses]).execute()
  return new Set(rows.map((row) => row.iccid))
}

/** The MSISDN simopt has for a device of the provider (a Telegence subscriber number); `undefined` when it has none. */
export async function msisdnOfDevice(db: Db, providerId: string, iccid: string): Promise<string | undefined> {
  const row = await db.selectFrom('devices').select('msisdn').where('provider_id', '=', providerId).where('iccid', '=', iccid).executeTakeFirst()
  return row?.msisdn ?? undefined
}
