/** Reading a session's result back: one row per SIM, in ICCID order, a page at a time (1M rows never sit in memory). */
import type { Selectable } from 'kysely'
import type { Store } from './database.js'
import type { ResultTable } from './schema.js'

const PAGE = 20_000

export async function* resultRows(store: Store, instanceId: string): AsyncGenerator<Selectable<ResultTable>> {
  let after = ''
  for (;;) {
    const page = await store.db.selectFrom('results').selectAll().where('instance_id', '=', instanceId).where('iccid', '>', after).orderBy('iccid').limit(PAGE).execute()
    yield* page
    if (page.length < PAGE) return
    after = page.at(-1)!.iccid
  }
}
