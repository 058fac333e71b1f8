/**
 * Which of a provider's billed devices have a usage reading for a billing period: what the usage sync reads
 * one by one after its bulk pass, and what a session tells when it cannot price every SIM it has.
 */
import { UNBILLED_STATUSES } from '../domain/index.js'
import type { Db } from './database.js'

/**
 * Billed devices of the provider without a reading for the period measured at or after `since` (epoch ms;
 * 0: without any reading), ICCIDs after `after` in order, at most `limit`.
 */
export async function devicesWithoutReading(db: Db, providerId: string, periodId: string, since: number, after: string, limit: number): Promise<string[]> {
  const rows = await withoutReading(db, providerId, periodId, since).select('d.iccid').where('d.iccid', '>', after).orderBy('d.iccid').limit(limit).execute()
  return rows.map((row) => row.iccid)
}

/** How many billed devices of the provider have no reading for the period at all. */
export async function countDevicesWithoutReading(db: Db, providerId: string, periodId: string): Promise<number> {
  const row = await withoutReading(db, providerId, periodId, 0).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** How many devices of the provider have a reading for the period measured at or after `since`: devices read, not rows returned. */
export async function countDevicesRead(db: Db, providerId: string, periodId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('devices as d')
    .innerJoin('usage_readings as u', (join) => join.onRef('u.iccid', '=', 'd.iccid').on('u.period_id', '=', periodId))
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('d.provider_id', '=', providerId)
    .where('u.measured_at', '>=', since)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The rate plan simopt has each of `iccids` on (those the provider has). */
export async function storedRatePlans(db: Db, providerId: string, iccids: readonly string[]): Promise<Map<string, string>> {
  if (iccids.length === 0) return new Map()
  const rows = await db.selectFrom('devices').select(['iccid', 'rate_plan']).where('provider_id', '=', providerId).where('iccid', 'in', [...iccids]).execute()
  return new Map(rows.map((row) => [row.iccid, row.rate_plan]))
}

/** Drops the period's readings of `iccids`: they are to be read again. */
export async function dropUsage(db: Db, periodId: string, iccids: readonly string[]): Promise<void> {
  if (iccids.length === 0) return
  await db.deleteFrom('usage_readings').where('period_id', '=', periodId).where('iccid', 'in', [...iccids]).execute()
}

function withoutReading(db: Db, providerId: string, periodId: string, since: number) {
  return db
    .selectFrom('devices as d')
    .leftJoin('usage_readings as u', (join) => join.onRef('u.iccid', '=', 'd.iccid').on('u.period_id', '=', periodId))
    .where('d.provider_id', '=', providerId)
    .where('d.status', 'not in', [...UNBILLED_STATUSES])
    .where((eb) => (since > 0 ? eb.or([eb('u.iccid', 'is', null), eb('u.measured_at', 'is', null), eb('u.measured_at', '<', since)]) : eb('u.iccid', 'is', null)))
}
