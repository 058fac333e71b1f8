/**
 * A page of a session's result, by keyset on the ICCID (the table's key), so page 5,000 of a million
 * SIMs costs what page 1 does; an optional ICCID prefix narrows it to a key range.
 */
import type { Store } from '../../store/database.js'
import { resultLine } from '../../store/results.js'

export interface ResultLine {
  readonly iccid: string
  readonly commPlan: string
  readonly currentPlan: string
  readonly newPlan: string
  readonly rawUsageMb: number
  readonly usageMb: number
  readonly costBefore: number
  readonly costAfter: number
  readonly monthly: number
  readonly overage: number
  readonly sms: number
  /** Where the SIM's change stands; null when its plan does not change. */
  readonly changeStatus: string | null
}

export async function resultPage(store: Store, instanceId: string, page: { after?: string; prefix?: string; limit: number }): Promise<ResultLine[]> {
  let query = store.db
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
