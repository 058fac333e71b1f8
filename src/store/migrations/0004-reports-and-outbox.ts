/**
 * Reports and notifications: each component's figures per plan and pool (the report's plan table, summed
 * per instance), tenants' notification settings, and the outbox every e-mail and webhook waits in until
 * it is delivered.
 */
import { sql, type Kysely, type Migration } from 'kysely'
import type { Dialect } from '../database.js'

export function reportsAndOutbox(dialect: Dialect): Migration {
  const blob = dialect === 'postgres' ? sql`bytea` : sql`blob`
  const real = 'double precision'
  return {
    async up(db: Kysely<any>): Promise<void> {
      // JSON of `TenantSettings`: recipients and subjects per message, the webhook's address.
      await db.schema.alterTable('tenants').addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}')).execute()
      // The webhook's signing secret, sealed by the secret box like carrier credentials.
      await db.schema.alterTable('tenants').addColumn('webhook_secret', 'text').execute()

      let planTotals = db.schema
        .createTable('plan_totals')
        .addColumn('component_id', 'text', (c) => c.notNull().references('components.id').onDelete('cascade'))
        .addColumn('instance_id', 'text', (c) => c.notNull())
        // `plan` or `pool`.
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('pool', 'text')
      for (const side of ['before', 'after']) {
        for (const figure of ['sims', 'usage_mb', 'allowance_mb', 'monthly', 'overage', 'sms']) {
          planTotals = planTotals.addColumn(`${figure}_${side}`, real, (c) => c.notNull())
        }
      }
      await planTotals.addPrimaryKeyConstraint('plan_totals_pk', ['component_id', 'kind', 'name']).execute()
      await db.schema.createIndex('plan_totals_instance').on('plan_totals').column('instance_id').execute()

      await db.schema
        .createTable('outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
        .addColumn('session_id', 'text')
        // `email` or `webhook`.
        .addColumn('channel', 'text', (c) => c.notNull())
        // Which message: `results`, `sync-error`, `progress`, …
        .addColumn('kind', 'text', (c) => c.notNull())
        // E-mail addresses separated by commas, or the webhook's URL.
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        // The whole message as sent: an RFC 5322 message, or the webhook's JSON body.
        .addColumn('body', blob, (c) => c.notNull())
        // Orders a session's webhooks: each is delivered only after the ones before it.
        .addColumn('seq', 'integer', (c) => c.notNull())
        // `pending`, `sent`, `failed` (retries spent), `unaddressed` (a setting is missing; see `error`).
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', real, (c) => c.notNull())
        .addColumn('updated_at', real, (c) => c.notNull())
        .addColumn('sent_at', real)
        .execute()
      await db.schema.createIndex('outbox_session_seq').on('outbox').columns(['session_id', 'channel', 'seq']).execute()
      await db.schema.createIndex('outbox_status').on('outbox').columns(['status', 'created_at']).execute()
    },
  }
}
