/** A store on an SQLite file of its own, migrated, with a small fleet imported for tenant acme, provider main, period 2026-11. */
import path from 'node:path'
import { readProblemFiles } from '../../src/io/index.js'
import { ensurePeriod, ensureProvider, ensureTenant, importFleet, migrate, openStore, type Store } from '../../src/store/index.js'
import { writeGroups } from './fleets.js'
import { tempDir } from './temp-dir.js'

export const IMPORTED = { tenant: 'acme', provider: 'main', period: '2026-11' } as const

/** `simsPerGroup` SIMs in one communication group of a `files` provider. */
export async function importedStore(simsPerGroup: number): Promise<Store> {
  const folder = await tempDir()
  const files = await writeGroups(path.join(folder, 'fleet'), 1, simsPerGroup)
  const store = openStore(`sqlite:${path.join(folder, 'simopt.db')}`)
  await migrate(store)
  const problem = await readProblemFiles(files, { periodDays: 30, prorate: false })
  await store.db.transaction().execute(async (trx) => {
    const provider = await ensureProvider(trx, await ensureTenant(trx, IMPORTED.tenant), IMPORTED.provider, { integration: 'files', timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0, settings: {} })
    await importFleet(trx, store.dialect, provider, await ensurePeriod(trx, provider, IMPORTED.period), problem)
  })
  return store
}
