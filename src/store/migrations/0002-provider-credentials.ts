/** Carrier accounts: where the carrier's API is and the credentials to call it (sealed, `secret-box.ts`). */
import type { Kysely, Migration } from 'kysely'

export function providerCredentials(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('service_providers').addColumn('base_url', 'text').execute()
      await db.schema.alterTable('service_providers').addColumn('credentials', 'text').execute()
    },
  }
}
