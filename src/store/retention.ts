/**
 * Retention: the bulky history of sessions that finished long ago (their results, plan totals, changes,
 * state transitions, audit log, and the problem snapshots of components never solved), finished jobs,
 * delivered (or given up) messages, the schedule's record and the audit log of no session are deleted, for
 * `simopt cleanup` and the daily cleanup job. Sessions, instances and components themselves stay, with their
 * figures, so the history of savings survives.
 *
 * Rows go in batches, each one statement and so its own short transaction: SQLite's single write lock and
 * PostgreSQL's row locks are never held for long, and workers go on between batches.
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely'
import { setImmediate as yieldToOthers } from 'node:timers/promises'
import type { Store } from './database.js'
import type { Database } from './schema.js'
import { FINISHED_STATUSES } from './transitions.js'

/** What retention removes, each counted in rows; `snapshots` counts components whose snapshot it emptied. */
export const RETENTION_TABLES = ['results', 'plan_totals', 'changes', 'snapshots', 'state_transitions', 'audit_log', 'jobs', 'outbox', 'schedule_runs'] as const
export type RetentionTable = (typeof RETENTION_TABLES)[number]
export type RetentionCounts = Record<RetentionTable, number>

/** Rows one statement deletes at most. */
export const DEFAULT_BATCH_ROWS = 5000
const DAY_MS = 86_400_000

export interface RetentionOptions {
  /** Rows of what finished at or after `now - olderThanMs` stay. */
  readonly olderThanMs: number
  readonly now?: number
  readonly batchRows?: number
}

export const retentionDaysMs = (days: number): number => days * DAY_MS

/** Deletes what is older than the cutoff; returns how many rows went from each table. */
export async function removeOldRecords(store: Store, options: RetentionOptions): Promise<RetentionCounts> {
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs
  const batch = options.batchRows ?? DEFAULT_BATCH_ROWS
  const counts = Object.fromEntries(RETENTION_TABLES.map((table) => [table, 0])) as RetentionCounts
  const { db } = store
  // A session running for longer than the retention (stuck) keeps everything until it ends. A session's own
  // transitions go last, so those that still have some are the ones not cleaned yet: the daily run does not
  // visit years of sessions again.
  const sessions = await db
    .selectFrom('sessions')
    .select('id')
    .where('status', 'in', FINISHED_STATUSES)
    .where('finished_at', '<', cutoff)
    .where((eb) => eb.exists(eb.selectFrom('state_transitions').select('seq').whereRef('state_transitions.entity_id', '=', 'sessions.id')))
    .orderBy('finished_at')
    .execute()
  const key = rowKey(store)
  for (const { id: sessionId } of sessions) {
    const instanceIds = (await db.selectFrom('instances').select('id').where('session_id', '=', sessionId).execute()).map((row) => row.id)
    for (const instanceId of instanceIds) {
      counts.results += await inBatches(batch, (n) =>
        db.deleteFrom('results').where('instance_id', '=', instanceId).where(rowIn(store, db.selectFrom('results').select(key.as('k')).where('instance_id', '=', instanceId).limit(n))).executeTakeFirst(),
      )
      counts.plan_totals += await inBatches(batch, (n) =>
        db.deleteFrom('plan_totals').where('instance_id', '=', instanceId).where(rowIn(store, db.selectFrom('plan_totals').select(key.as('k')).where('instance_id', '=', instanceId).limit(n))).executeTakeFirst(),
      )
      counts.changes += await inBatches(batch, (n) =>
        db.deleteFrom('changes').where('instance_id', '=', instanceId).where(rowIn(store, db.selectFrom('changes').select(key.as('k')).where('instance_id', '=', instanceId).limit(n))).executeTakeFirst(),
      )
    }
    // Pipeline events name the session, or only the instance they are about.
    const ofSession = (eb: ExpressionBuilder<Database, 'audit_log'>) =>
      instanceIds.length === 0 ? eb('session_id', '=', sessionId) : eb.or([eb('session_id', '=', sessionId), eb('instance_id', 'in', instanceIds)])
    counts.audit_log += await inBatches(batch, (n) =>
      db.deleteFrom('audit_log').where('seq', 'in', db.selectFrom('audit_log').select('seq').where(ofSession).where('at', '<', cutoff).limit(n)).executeTakeFirst(),
    )
    const entities = [sessionId, ...instanceIds]
    counts.state_transitions += await inBatches(batch, (n) =>
      db.deleteFrom('state_transitions').where('seq', 'in', db.selectFrom('state_transitions').select('seq').where('entity_id', 'in', entities).where('at', '<', cutoff).limit(n)).executeTakeFirst(),
    )
  }
  // Apart from the loop above: sessions it cleaned before snapshots were emptied have no transitions left.
  counts.snapshots += await emptySnapshots(db, cutoff, batch)
  // Queued and running jobs are work still to do; done and failed ones are only history.
  counts.jobs += await inBatches(batch, (n) =>
    db.deleteFrom('jobs').where('id', 'in', db.selectFrom('jobs').select('id').where('status', 'in', ['done', 'failed']).where('updated_at', '<', cutoff).limit(n)).executeTakeFirst(),
  )
  // Events of no session nor instance (about a tenant or a key) have only their age to go by.
  counts.audit_log += await inBatches(batch, (n) =>
    db
      .deleteFrom('audit_log')
      .where('seq', 'in', db.selectFrom('audit_log').select('seq').where('session_id', 'is', null).where('instance_id', 'is', null).where('at', '<', cutoff).limit(n))
      .executeTakeFirst(),
  )
  // Old slots are only history: the schedule decides from sessions, and claims only the current slots.
  // The key has two columns; the physical row id stands for it.
  counts.schedule_runs += await inBatches(batch, (n) =>
    db.deleteFrom('schedule_runs').where('updated_at', '<', cutoff).where(rowIn(store, db.selectFrom('schedule_runs').select(key.as('k')).where('updated_at', '<', cutoff).limit(n))).executeTakeFirst(),
  )
  // Pending and unaddressed messages still wait for a delivery or a setting; a running session's stay.
  counts.outbox += await inBatches(batch, (n) =>
    db
      .deleteFrom('outbox')
      .where(
        'id',
        'in',
        db
          .selectFrom('outbox')
          .select('id')
          .where('status', 'in', ['sent', 'failed'])
          .where('created_at', '<', cutoff)
          .where((eb) => eb.or([eb('session_id', 'is', null), eb('session_id', 'in', eb.selectFrom('sessions').select('id').where('status', 'in', FINISHED_STATUSES))]))
          .limit(n),
      )
      .executeTakeFirst(),
  )
  return counts
}

/**
 * Empties the problem snapshots that components of sessions finished before the cutoff still hold (those
 * never solved: the session failed or was cancelled first), one statement per component since one
 * snapshot can be tens of MB. The rows stay, with their figures.
 */
async function emptySnapshots(db: Store['db'], cutoff: number, batch: number): Promise<number> {
  const full = (eb: ExpressionBuilder<Database, 'components'>) => eb(eb.fn<number>('length', ['components.snapshot']), '>', 0)
  let emptied = 0
  for (;;) {
    const components = await db
      .selectFrom('components')
      .innerJoin('instances', 'instances.id', 'components.instance_id')
      .innerJoin('sessions', 'sessions.id', 'instances.session_id')
      .select('components.id')
      .where('sessions.status', 'in', FINISHED_STATUSES)
      .where('sessions.finished_at', '<', cutoff)
      .where(full)
      .limit(batch)
      .execute()
    for (const { id } of components) {
      const updated = await db.updateTable('components').set({ snapshot: new Uint8Array(0) }).where('id', '=', id).where(full).executeTakeFirst()
      emptied += Number(updated.numUpdatedRows)
      await yieldToOthers()
    }
    if (components.length < batch) return emptied
  }
}

/** Runs `deleteBatch` until a batch comes back short; between batches others get the database. */
async function inBatches(batch: number, deleteBatch: (rows: number) => Promise<{ numDeletedRows: bigint }>): Promise<number> {
  let total = 0
  for (;;) {
    const deleted = Number((await deleteBatch(batch)).numDeletedRows)
    total += deleted
    if (deleted < batch) return total
    await yieldToOthers()
  }
}

/**
 * The physical row id (SQLite's `rowid`, PostgreSQL's `ctid`): one key for tables whose primary key has
 * several columns, so a batch is `key in (select key … limit n)` on both databases.
 */
function rowKey(store: Store): RawBuilder<string> {
  return store.dialect === 'postgres' ? sql<string>`ctid` : sql<string>`rowid`
}

/** `key in (rows)`; on PostgreSQL as `= any(array(…))` (kysely puts a subquery in parentheses itself), which it runs as a scan of exactly those rows. */
function rowIn(store: Store, rows: Expression<unknown>): Expression<SqlBool> {
  return store.dialect === 'postgres' ? sql<SqlBool>`ctid = any(array${rows})` : sql<SqlBool>`rowid in ${rows}`
}
