/** Reading a session's result back: one row per SIM, in ICCID order, a page at a time (1M rows never sit in memory). */
import type { Selectable } from 'kysely'
import type { Store } from './database.js'
import type { ResultTable } from './schema.js'

const PAGE = 20_000

type CostSplit = Pick<ResultTable, 'monthly_before' | 'overage_before' | 'sms_before' | 'monthly_after' | 'overage_after' | 'sms_after'>

/**
 * A result row's cost for the period, on its current plan (`before`) and its new one (`after`): the sum the
 * cost model splits into monthly charge, overage and SMS, in the account's currency, unrounded.
 * (`planChanges` in changes.ts sums the same columns in SQL for a change's saving.)
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
