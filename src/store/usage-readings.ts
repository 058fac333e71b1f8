/**
 * Cycle-to-date usage readings per billing period, as the usage sync writes them, and which of a provider's billed
 * devices have one: what the usage sync reads one by one after its bulk pass, and what a session tells when it
 * cannot price every SIM it has.
 */
import { UNBILLED_STATUSES } from '../domain/index.js'
import type { Db } from './database.js'

export interface SyncedUsage {
  readonly iccid: string
  readonly usageMb: number
  readonly sms: number
  /** When the carrier's figure was read (epoch ms): projection extrapolates from it. */
  readonly measuredAt: number
}

/** Upserts cycle-to-date usage readings of one billing period, stored at `readAt`. */
export async function upsertUsage(db: Db, periodId: string, readings: readonly SyncedUsage[], readAt = Date.now()): Promise<void> {
  if (readings.length === 0) return
  await db
    .insertInto('usage_readings')
    .values(readings.map((reading) => ({ period_id: periodId, iccid: reading.iccid, usage_mb: reading.usageMb, sms: reading.sms, measured_at: reading.measuredAt, read_at: readAt })))
    .onConflict((conflict) =>
      conflict.columns(['period_id', 'iccid']).doUpdateSet((eb) => ({
        usage_mb: eb.ref('excluded.usage_mb'),
        sms: eb.ref('excluded.sms'),
        measured_at: eb.ref('excluded.measured_at'),
        read_at: eb.ref('excluded.read_at'),
      })),
    )
    .execute()
}

/** Voice minutes and SMS of one device in a period, as a Mobility carrier's usage feed reports them. */
export interface VoiceSmsUsage {
  readonly iccid: string
  readonly voiceMinutes: number
  readonly sms: number
  /** When the carrier measured it (epoch ms). */
  readonly measuredAt: number
}

/**
 * Records voice minutes and SMS of devices for one billing period, leaving their data usage as it is (a
 * carrier that reports voice and data in separate files, like Telegence, calls this for voice and SMS and
 * {@link upsertUsage} for data). `read_at` is the data reading's: a device without one gets a row with no data
 * and no `read_at`, so a sync still reads its data, and one with it keeps it, so stale data is not taken for
 * fresh.
 */
export async function upsertVoiceSmsUsage(db: Db, periodId: string, readings: readonly VoiceSmsUsage[]): Promise<void> {
  if (readings.length === 0) return
  await db
    .insertInto('usage_readings')
    .values(readings.map((reading) => ({ period_id: periodId, iccid: reading.iccid, usage_mb: 0, sms: reading.sms, voice_min: reading.voiceMinutes, measured_at: reading.measuredAt, read_at: null })))
    .onConflict((conflict) =>
      conflict.columns(['period_id', 'iccid']).doUpdateSet((eb) => ({
        sms: eb.ref('excluded.sms'),
        voice_min: eb.ref('excluded.voice_min'),
      })),
    )
    .execute()
}

/**
 * Billed devices of the provider without a reading for the period stored at or after `since` (epoch ms;
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

/** How many devices of the provider have a reading for the period stored at or after `since`: devices read, not rows returned. */
export async function countDevicesRead(db: Db, providerId: string, periodId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('devices as d')
    .innerJoin('usage_readings as u', (join) => join.onRef('u.iccid', '=', 'd.iccid').on('u.period_id', '=', periodId))
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('d.provider_id', '=', providerId)
    .where('u.read_at', '>=', since)
    .executeTakeFirstOrThrow()
  return Number(row.n)
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
    .where((eb) => (since > 0 ? eb.or([eb('u.iccid', 'is', null), eb('u.read_at', 'is', null), eb('u.read_at', '<', since)]) : eb('u.iccid', 'is', null)))
}
