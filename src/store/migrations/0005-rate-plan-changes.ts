/**
 * Rate plan changes pushed to the carrier: each change's push and verification, each instance's go / no-go
 * decision, and the audit log of every step.
 */
import { type Kysely, type Migration } from 'kysely'
import type { Dialect } from '../database.js'

export function ratePlanChanges(dialect: Dialect): Migration {
  const real = 'double precision'
  return {
    async up(db: Kysely<any>): Promise<void> {
      for (const [column, type] of [
        ['attempts', 'integer'],
        ['approved_by', 'text'],
        ['approved_at', real],
        ['pushed_at', real],
        ['answer', 'text'],
        ['verified_at', real],
        ['found_plan', 'text'],
      ] as const) {
        await db.schema.alterTable('changes').addColumn(column, type, (c) => (column === 'attempts' ? c.notNull().defaultTo(0) : c)).execute()
      }
      await db.schema.createIndex('changes_instance_status').on('changes').columns(['instance_id', 'status', 'iccid']).execute()
      // `go`, `no-go`, `awaiting-approval`; with why, the estimate it rests on, and when the push ran.
      for (const [column, type] of [
        ['push_decision', 'text'],
        ['push_reason', 'text'],
        ['push_estimated_seconds', real],
        ['push_decided_at', real],
        ['push_started_at', real],
        ['push_finished_at', real],
      ] as const) {
        await db.schema.alterTable('instances').addColumn(column, type).execute()
      }
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('at', real, (c) => c.notNull())
        // `system` for the pipeline, `cli:<user>` for an operator at the command line.
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text')
        .addColumn('instance_id', 'text')
        .addColumn('iccid', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('audit_log_session').on('audit_log').columns(['session_id', 'seq']).execute()
    },
  }
}
