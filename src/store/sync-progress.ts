/**
 * How far a carrier sync has come, for the progress people watch (`run --wait`, `simopt status`, the
 * dashboard, the webhook's percent): what it has read, the calls it made, and when it should end at its
 * pace so far. The device crawl is the sync's first half, the usage its second.
 */
import type { Selectable } from 'kysely'
import { UNBILLED_STATUSES } from '../domain/index.js'
import type { Db } from './database.js'
import type { SyncTable } from './schema.js'
import type { SyncStage } from './syncs.js'

export interface SyncProgress {
  readonly instanceId: string
  readonly stage: SyncStage
  /** Devices listed so far by the crawl, then devices whose usage is read. */
  readonly simsDone: number
  /** What `simsDone` counts towards: the billed devices, in the usage stage; null while the crawl runs (not known yet). */
  readonly simsTotal: number | null
  readonly calls: number
  readonly errors: number
  /** 0-1 of the whole sync. The crawl of a carrier listing by cursor (no page count) stays at 0 until it ends. */
  readonly fraction: number
  /** Milliseconds the sync should still take at its pace so far; null until it can tell, and once it is done. */
  readonly remainingMs: number | null
}

/** Below this share done, the pace says too little to tell the time left. */
const ETA_FROM_FRACTION = 0.02

/** The progress of each sync of `syncs`; `now` epoch ms. */
export async function syncProgressOf(db: Db, syncs: readonly Selectable<SyncTable>[], now = Date.now()): Promise<SyncProgress[]> {
  const progress: SyncProgress[] = []
  for (const sync of syncs) progress.push(syncProgress(sync, sync.stage === 'usage' ? await billedDevicesOfInstance(db, sync.instance_id) : null, now))
  return progress
}

/** `billed`: the billed devices of the provider, in the usage stage. */
export function syncProgress(sync: Selectable<SyncTable>, billed: number | null, now: number): SyncProgress {
  const stage = sync.stage === 'devices' || sync.stage === 'usage' ? sync.stage : 'done'
  let fraction = 1
  if (stage === 'devices') {
    // Pages are read from the last down to 1; `next_page` is the one read next (0 once all are). A crawl by cursor has no last page.
    const last = sync.last_page ?? 0
    fraction = last > 0 ? (0.5 * (last - (sync.next_page ?? last))) / last : 0
  } else if (stage === 'usage') {
    fraction = 0.5 + 0.5 * Math.min(1, sync.usage_rows / Math.max(1, billed ?? 0))
  }
  const elapsed = Math.max(0, now - sync.started_at)
  return {
    instanceId: sync.instance_id,
    stage,
    simsDone: stage === 'devices' ? sync.devices_seen : sync.usage_rows,
    simsTotal: stage === 'devices' ? null : stage === 'usage' ? (billed ?? null) : sync.usage_rows,
    calls: sync.calls,
    errors: sync.errors,
    fraction,
    remainingMs: stage === 'done' || fraction < ETA_FROM_FRACTION ? null : Math.round((elapsed * (1 - fraction)) / fraction),
  }
}

/**
 * Billed devices of an instance's provider, counted once a minute per instance: every usage job and every
 * poll of a session's page asks, and counting a million devices each time held SQLite's one writer. In the
 * usage stage the count no longer moves (the crawl that lists devices is over).
 */
const billedCounts = new Map<string, { readonly count: number; readonly at: number }>()
const BILLED_COUNT_FOR_MS = 60_000

async function billedDevicesOfInstance(db: Db, instanceId: string): Promise<number> {
  const now = Date.now()
  const kept = billedCounts.get(instanceId)
  if (kept !== undefined && now - kept.at < BILLED_COUNT_FOR_MS) return kept.count
  const count = await countBilledDevices(db, instanceId)
  if (billedCounts.size >= 1000) billedCounts.clear()
  billedCounts.set(instanceId, { count, at: now })
  return count
}

async function countBilledDevices(db: Db, instanceId: string): Promise<number> {
  const row = await db
    .selectFrom('instances as i')
    .innerJoin('devices as d', 'd.provider_id', 'i.provider_id')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('i.id', '=', instanceId)
    .where('d.status', 'not in', [...UNBILLED_STATUSES])
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
