/**
 * A component records how the optimizer ran on it (optimizer/result-info.ts): the status as a column, for
 * `/metrics` to count without parsing, and the whole result info as JSON. Components solved before stay null.
 */
import { type Kysely, type Migration } from 'kysely'

export function optimizerInfo(): Migration {
  return {
    // A migration meets the schema as it was then, not as `Database` types it today.
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('components').addColumn('optimizer_status', 'text').execute()
      await db.schema.alterTable('components').addColumn('optimizer_info', 'text').execute()
    },
  }
}
