/**
 * Mobility fleets (issue 21): a rate plan's type and its voice and SMS bundles; voice minutes on usage
 * readings; the tenant's optimization groups per provider (a plan in at most one). The provider's fleet kind
 * is a provider setting (`fleet`, JSON, default `m2m`), so existing providers stay M2M with no column.
 * Existing plans have no type and no bundles, existing readings no voice.
 */
import { type Kysely, type Migration } from 'kysely'

const PLAN_TERMS = ['voice_included_min', 'voice_block_min', 'voice_block_price', 'sms_included', 'sms_block', 'sms_block_price'] as const

export function mobility(): Migration {
  return {
    // A migration meets the schema as it was then, not as `Database` types it today.
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('rate_plans').addColumn('rate_plan_type', 'text').execute()
      for (const column of PLAN_TERMS) await db.schema.alterTable('rate_plans').addColumn(column, 'double precision').execute()
      await db.schema.alterTable('usage_readings').addColumn('voice_min', 'double precision', (c) => c.notNull().defaultTo(0)).execute()
      await db.schema
        .createTable('optimization_groups')
        .addColumn('provider_id', 'text', (c) => c.notNull().references('service_providers.id').onDelete('cascade'))
        .addColumn('plan_code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('optimization_groups_pk', ['provider_id', 'plan_code'])
        .execute()
    },
  }
}
