/**
 * Retention: the bulky history of sessions that finished long ago (their results, plan totals, changes,
 * state transitions, audit log) and finished jobs and delivered (or given up) messages are deleted, for
 * `simopt cleanup` and the daily cleanup job. Sessions and instances themselves stay, with their figures,
 * so the history of savings survives.
 *
 * Rows go in batches, each one statement and so its own short transaction: SQLite's single write lock and
 * PostgreSQL's row locks are never held for long, and workers go on between batches.
 */
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely'
import { setImmediate as yieldToOthers } from 'node:timers/promises'
import type { Store } from './database.js'
import { FINISHED_STATUSES } from './transitions.js'

export const RETENTION_TABLES = ['results', 'plan_totals', 'changes', 'state_transitions', 'audit_log', 'jobs', 'outbox'] as const
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
  const counts: RetentionCounts = { results: 0, plan_totals: 0, changes: 0, state_transitions: 0, audit_log: 0, jobs: 0, outbox: 0 }
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
    counts.audit_log += await inBatches(batch, (n) =>
      db.deleteFrom('audit_log').where('seq', 'in', db.selectFrom('audit_log').select('seq').where('session_id', '=', sessionId).where('at', '<', cutoff).limit(n)).executeTakeFirst(),
    )
    const entities = [sessionId, ...instanceIds]
    counts.state_transitions += await inBatches(batch, (n) =>
      db.deleteFrom('state_transitions').where('seq', 'in', db.selectFrom('state_transitions').select('seq').where('entity_id', 'in', entities).where('at', '<', cutoff).limit(n)).executeTakeFirst(),
    )
  }
  // Queued and running jobs are work still to do; done and failed ones are only history.
  counts.jobs += await inBatches(batch, (n) =>
    db.deleteFrom('jobs').where('id', 'in', db.selectFrom('jobs').select('id').where('status', 'in', ['done', 'failed']).where('updated_at', '<', cutoff).limit(n)).executeTakeFirst(),
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
