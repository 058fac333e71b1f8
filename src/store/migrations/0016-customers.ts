/**
 * Customer optimization (issue 20): a tenant's customers (name, the billing system's external id), which
 * customer each SIM is billed to (at most one, whatever carrier account the SIM is on), the customer price
 * sheet (plans with `auto_change` and a charge type, named pools), the customer of a session and of an instance.
 */
import { type Kysely, type Migration } from 'kysely'

export function customers(): Migration {
  const real = 'double precision'
  return {
    // A migration meets the schema as it was then, not as `Database` types it today.
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', real, (c) => c.notNull())
        .addUniqueConstraint('customers_tenant_external_id', ['tenant_id', 'external_id'])
        .execute()
      await db.schema
        .createTable('customer_rate_plans')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('monthly_rate', real, (c) => c.notNull())
        .addColumn('included_mb', real, (c) => c.notNull())
        .addColumn('overage_block_mb', real, (c) => c.notNull())
        .addColumn('overage_block_price', real, (c) => c.notNull())
        .addColumn('sms_rate', real, (c) => c.notNull())
        .addColumn('pooled', 'integer', (c) => c.notNull())
        .addColumn('pool', 'text')
        .addColumn('auto_change', 'integer', (c) => c.notNull())
        .addColumn('charge_type', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('customer_rate_plans_pk', ['tenant_id', 'code'])
        .execute()
      await db.schema
        .createTable('customer_rate_pools')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('overage_block_mb', real, (c) => c.notNull())
        .addColumn('overage_block_price', real, (c) => c.notNull())
        .addPrimaryKeyConstraint('customer_rate_pools_pk', ['tenant_id', 'name'])
        .execute()
      // The key (tenant, ICCID) is what keeps a SIM billed to one customer at most.
      await db.schema
        .createTable('customer_sims')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('iccid', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
        .addColumn('plan_code', 'text', (c) => c.notNull())
        .addColumn('bill_in_advance', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('customer_sims_pk', ['tenant_id', 'iccid'])
        .execute()
      await db.schema.createIndex('customer_sims_customer').on('customer_sims').column('customer_id').execute()
      // A customer's run also reads the other customers' SIMs on plans of named pools.
      await db.schema.createIndex('customer_sims_plan').on('customer_sims').columns(['tenant_id', 'plan_code']).execute()
      // A customer's SIMs are found on whichever provider they are: devices by ICCID alone.
      await db.schema.createIndex('devices_iccid').on('devices').column('iccid').execute()
      // A customer session's scope (one customer, or null: all of the tenant's customers) and an instance's customer,
      // with the customer's own bill before and after (cost_before / cost_after hold the measure bound and gap are on).
      await db.schema.alterTable('sessions').addColumn('customer_id', 'text').execute()
      await db.schema.alterTable('instances').addColumn('customer_id', 'text').execute()
      await db.schema.alterTable('instances').addColumn('bill_before', real).execute()
      await db.schema.alterTable('instances').addColumn('bill_after', real).execute()
    },
  }
}
