/** A carrier sync's progress, one row per instance (`syncs`): where the device crawl and the usage sync stand, and what they counted. */
import { z } from 'zod'
import type { Db } from './database.js'

/** `devices` while the crawl runs, `usage` while usage is read, `done` once the problem can be built. */
export type SyncStage = 'devices' | 'usage' | 'done'

/** Where the usage sync stands; kept as JSON in `syncs.usage_cursor`. */
export interface UsageCursor {
  /** Rate plans that had devices when the sync began, in the order they are read in bulk. */
  readonly plans: readonly string[]
  /** The plan being read in bulk; `plans.length` once the bulk pass is over. */
  readonly plan: number
  /** Its next page. */
  readonly page: number
  /** Devices a plan's pages listed while simopt had them on another plan: read one by one, never in bulk. */
  readonly moved: readonly string[]
  /** The device-by-device pass: the last ICCID it asked for. */
  readonly after: string
  /** Devices the carrier no longer knew when their usage was asked for. */
  readonly notFound: readonly string[]
}

// A cursor written before the device-by-device pass existed has no page (`at` was it): that plan is read again.
const usageCursorSchema = z.object({
  plans: z.array(z.string()),
  plan: z.number().int(),
  page: z.number().int().default(1),
  moved: z.array(z.string()).default([]),
  after: z.string().default(''),
  notFound: z.array(z.string()).default([]),
})

export interface SyncRow {
  readonly instanceId: string
  readonly stage: SyncStage
  readonly windowSince: number
  readonly windowTill: number
  readonly lastPage: number | null
  readonly nextPage: number | null
  /** Absent until the usage sync has committed its first job. */
  readonly usageCursor: UsageCursor | undefined
  readonly commPlansAdded: number
  readonly startedAt: number
}

/** What one job of a sync adds to the row's counters. */
export interface SyncCounts {
  readonly devicesSeen?: number
  readonly devicesAdded?: number
  readonly devicesUpdated?: number
  readonly commPlansAdded?: number
  /** Ignored when `usageRows` is given as a total in `advanceSync`. */
  readonly usageRows?: number
  readonly calls: number
  readonly errors: number
}

export async function findSync(db: Db, instanceId: string): Promise<SyncRow | undefined> {
  const row = await db.selectFrom('syncs').selectAll().where('instance_id', '=', instanceId).executeTakeFirst()
  if (row === undefined) return undefined
  return {
    instanceId: row.instance_id,
    stage: parseStage(row.stage),
    windowSince: row.window_since,
    windowTill: row.window_till,
    lastPage: row.last_page,
    nextPage: row.next_page,
    usageCursor: row.usage_cursor === null ? undefined : usageCursorSchema.parse(JSON.parse(row.usage_cursor)),
    commPlansAdded: row.comm_plans_added,
    startedAt: row.started_at,
  }
}

/** The ICCIDs the usage sync of an instance found gone from the carrier account (none before it ran). */
export async function notFoundAtCarrier(db: Db, instanceId: string): Promise<readonly string[]> {
  return (await findSync(db, instanceId))?.usageCursor?.notFound ?? []
}

/** Records the first job of an instance's device crawl. */
export async function startSync(
  db: Db,
  sync: { instanceId: string; stage: SyncStage; windowSince: number; windowTill: number; lastPage: number; nextPage: number; startedAt: number },
  counts: SyncCounts,
): Promise<void> {
  await db
    .insertInto('syncs')
    .values({
      instance_id: sync.instanceId,
      stage: sync.stage,
      window_since: sync.windowSince,
      window_till: sync.windowTill,
      last_page: sync.lastPage,
      next_page: sync.nextPage,
      usage_cursor: null,
      devices_seen: counts.devicesSeen ?? 0,
      devices_added: counts.devicesAdded ?? 0,
      devices_updated: counts.devicesUpdated ?? 0,
      comm_plans_added: counts.commPlansAdded ?? 0,
      usage_rows: counts.usageRows ?? 0,
      calls: counts.calls,
      errors: counts.errors,
      started_at: sync.startedAt,
      finished_at: null,
    })
    .execute()
}

/**
 * Records where a later job of the sync stopped, adding its counts. `usageRows` replaces the running count
 * when given (the last usage job counts devices read, not rows returned); `finishedAt` ends the sync.
 */
export async function advanceSync(
  db: Db,
  instanceId: string,
  to: { stage: SyncStage; nextPage?: number; windowTill?: number; usageCursor?: UsageCursor; usageRows?: number; finishedAt?: number },
  counts: SyncCounts,
): Promise<void> {
  await db
    .updateTable('syncs')
    .set((eb) => ({
      stage: to.stage,
      ...(to.nextPage === undefined ? {} : { next_page: to.nextPage }),
      ...(to.windowTill === undefined ? {} : { window_till: to.windowTill }),
      ...(to.usageCursor === undefined ? {} : { usage_cursor: JSON.stringify(to.usageCursor) }),
      ...(to.finishedAt === undefined ? {} : { finished_at: to.finishedAt }),
      devices_seen: eb('devices_seen', '+', counts.devicesSeen ?? 0),
      devices_added: eb('devices_added', '+', counts.devicesAdded ?? 0),
      devices_updated: eb('devices_updated', '+', counts.devicesUpdated ?? 0),
      comm_plans_added: eb('comm_plans_added', '+', counts.commPlansAdded ?? 0),
      usage_rows: to.usageRows ?? eb('usage_rows', '+', counts.usageRows ?? 0),
      calls: eb('calls', '+', counts.calls),
      errors: eb('errors', '+', counts.errors),
    }))
    .where('instance_id', '=', instanceId)
    .execute()
}

function parseStage(stage: string): SyncStage {
  if (stage === 'devices' || stage === 'usage' || stage === 'done') return stage
  throw new Error(`sync stage ${stage} is not known`)
}
