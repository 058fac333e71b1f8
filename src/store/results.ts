/** Reading a session's result back: one row per SIM, in ICCID order, a page at a time (1M rows never sit in memory). */
import type { Selectable } from 'kysely'
import type { ChangeStatus } from './changes.js'
import type { Db, Store } from './database.js'
import type { ResultTable } from './schema.js'

const PAGE = 20_000

type CostSplit = Pick<ResultTable, 'monthly_before' | 'overage_before' | 'sms_before' | 'monthly_after' | 'overage_after' | 'sms_after'>

/**
 * A result row's cost for the period, on its current plan (`before`) and its new one (`after`): the sum the
 * cost model splits into monthly charge, overage and SMS, in the account's currency, unrounded.
 * (A change's saving is not their difference: the result row's `own_saving` and `pool_effect` make it, so that
 * the changes add up to the session's saving; domain/change-attribution.ts.)
 */
export function resultCosts(row: CostSplit): { before: number; after: number } {
  return { before: row.monthly_before + row.overage_before + row.sms_before, after: row.monthly_after + row.overage_after + row.sms_after }
}

/** A result row as reports and the API show a SIM: plans, usage, the new plan's cost split, and both costs. */
export function resultLine(row: Omit<Selectable<ResultTable>, 'instance_id'>) {
  const cost = resultCosts(row)
  return {
    iccid: row.iccid,
    commPlan: row.comm_plan,
    currentPlan: row.current_plan,
    newPlan: row.new_plan,
    rawUsageMb: row.raw_usage_mb,
    usageMb: row.usage_mb,
    monthly: row.monthly_after,
    overage: row.overage_after,
    sms: row.sms_after,
    costBefore: cost.before,
    costAfter: cost.after,
  }
}

export async function* resultRows(store: Store, instanceId: string): AsyncGenerator<Selectable<ResultTable>> {
  let after = ''
  for (;;) {
    const page = await store.db.selectFrom('results').selectAll().where('instance_id', '=', instanceId).where('iccid', '>', after).orderBy('iccid').limit(PAGE).execute()
    yield* page
    if (page.length < PAGE) return
    after = page.at(-1)!.iccid
  }
}

/** A SIM of a result page: its result line, and where its change stands (null when its plan does not change). */
export interface ResultPageLine extends ReturnType<typeof resultLine> {
  readonly changeStatus: ChangeStatus | null
}

/**
 * A page of an instance's result, by keyset on the ICCID (the table's key), so page 5,000 of a million
 * SIMs costs what page 1 does; an optional ICCID prefix narrows it to a key range.
 */
export async function resultPage(db: Db, instanceId: string, page: { after?: string | undefined; prefix?: string | undefined; limit: number }): Promise<ResultPageLine[]> {
  let query = db
    .selectFrom('results')
    .leftJoin('changes', (join) => join.onRef('changes.instance_id', '=', 'results.instance_id').onRef('changes.iccid', '=', 'results.iccid'))
    .selectAll('results')
    .select('changes.status as change_status')
    .where('results.instance_id', '=', instanceId)
  const from = [page.after, page.prefix].filter((value) => value !== undefined).sort().at(-1)
  if (from !== undefined) query = query.where('results.iccid', page.after !== undefined && from === page.after ? '>' : '>=', from)
  if (page.prefix !== undefined) {
    const end = prefixEnd(page.prefix)
    if (end !== undefined) query = query.where('results.iccid', '<', end)
    // The range is what the index uses; LIKE keeps the answer right under any collation.
    query = query.where('results.iccid', 'like', `${page.prefix}%`)
  }
  const rows = await query.orderBy('results.iccid').limit(page.limit).execute()
  return rows.map((row) => ({ ...resultLine(row), changeStatus: row.change_status }))
}

/**
 * The least string above every string starting with `prefix` (letters and digits only): its last character
 * counted up within its class ('8' → '9', '9' carries), so the bound is a digit or letter in every collation.
 * Undefined when there is none (a prefix of all 9s and zs).
 */
export function prefixEnd(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix[i]!
    if (c !== '9' && c !== 'z' && c !== 'Z') return prefix.slice(0, i) + String.fromCharCode(c.charCodeAt(0) + 1)
  }
  return undefined
}
