/**
 * Migrations live in code (`migrations/`), in order; `simopt db migrate` and every start bring the schema
 * up to date. A migration that fails is rolled back whole (both databases have transactional DDL).
 */
import { Migrator, type Migration } from 'kysely'
import { redactUrl } from '../config.js'
import { SimoptError } from '../domain/index.js'
import type { Store } from './database.js'
import { initialSchema } from './migrations/0001-initial.js'
import { providerCredentials } from './migrations/0002-provider-credentials.js'
import { syncState } from './migrations/0003-sync.js'
import { reportsAndOutbox } from './migrations/0004-reports-and-outbox.js'
import { ratePlanChanges } from './migrations/0005-rate-plan-changes.js'
import { apiKeys } from './migrations/0006-api-keys.js'
import { scheduleRuns } from './migrations/0007-schedule-runs.js'
import { scheduleSlots } from './migrations/0008-schedule-slots.js'
import { cycleEndDay } from './migrations/0009-cycle-end-day.js'
import { unpricedSims } from './migrations/0010-unpriced-sims.js'
import { optimizerInfo } from './migrations/0011-optimizer-info.js'
import { usageReadAt } from './migrations/0012-usage-read-at.js'
import { mobility } from './migrations/0013-mobility.js'
import { changeAttribution } from './migrations/0014-change-attribution.js'
import { telegenceFeed } from './migrations/0015-telegence-feed.js'
import { customers } from './migrations/0016-customers.js'

function migrations(store: Store): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(store.dialect), '0002-provider-credentials': providerCredentials(), '0003-sync': syncState(),
    '0004-reports-and-outbox': reportsAndOutbox(store.dialect),
    '0005-rate-plan-changes': ratePlanChanges(store.dialect),
    '0006-api-keys': apiKeys(),
    '0007-schedule-runs': scheduleRuns(),
    '0008-schedule-slots': scheduleSlots(),
    '0009-cycle-end-day': cycleEndDay(),
    '0010-unpriced-sims': unpricedSims(),
    '0011-optimizer-info': optimizerInfo(),
    '0012-usage-read-at': usageReadAt(),
    '0013-mobility': mobility(),
    '0014-change-attribution': changeAttribution(),
    '0015-telegence-feed': telegenceFeed(),
    '0016-customers': customers(),
  }
}


/** Applies the migrations not applied yet (up to `upTo` when given: tests of a migration); returns their names. */
export async function migrate(store: Store, upTo?: string): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations(store) } })
  const { error, results } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo)
  if (error !== undefined && results === undefined) {
    // Nothing ran: the database could not be reached or read at all.
    throw new SimoptError('INTERNAL', `cannot use the database at SIMOPT_DATABASE_URL=${redactUrl(store.url)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown'
    throw new SimoptError('INTERNAL', `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName)
}
