/** Plan tables in the database: a component's lines as `plan_totals` rows, and an instance's lines summed back. */
import type { Insertable, Selectable } from 'kysely'
import { addPlanTotals, type PlanLine, type PlanTotal } from '../domain/index.js'
import type { Db } from './database.js'
import type { PlanTotalTable } from './schema.js'

export function planTotalRows(componentId: string, instanceId: string, lines: readonly PlanLine[]): Insertable<PlanTotalTable>[] {
  return lines.map((line) => ({
    component_id: componentId,
    instance_id: instanceId,
    kind: line.kind,
    name: line.name,
    pool: line.pool,
    sims_before: line.before.sims,
    usage_mb_before: line.before.usageMb,
    allowance_mb_before: line.before.allowanceMb,
    monthly_before: line.before.monthly,
    overage_before: line.before.overage,
    sms_before: line.before.sms,
    sims_after: line.after.sims,
    usage_mb_after: line.after.usageMb,
    allowance_mb_after: line.after.allowanceMb,
    monthly_after: line.after.monthly,
    overage_after: line.after.overage,
    sms_after: line.after.sms,
  }))
}

/**
 * An instance's plan table: each plan's lines of all its components added up (a plan outside any pool
 * can be in several), in the price sheet's order, plans before pools.
 */
export async function instancePlanLines(db: Db, instanceId: string, providerId: string): Promise<PlanLine[]> {
  const rows = await db.selectFrom('plan_totals').selectAll().where('instance_id', '=', instanceId).execute()
  const positions = new Map(
    (await db.selectFrom('rate_plans').select(['code', 'position']).where('provider_id', '=', providerId).execute()).map((plan) => [plan.code, plan.position]),
  )
  const byLine = new Map<string, PlanLine>()
  for (const row of rows) {
    const key = `${row.kind}\u0000${row.name}`
    const line = toLine(row)
    const seen = byLine.get(key)
    byLine.set(key, seen === undefined ? line : { ...seen, before: addPlanTotals(seen.before, line.before), after: addPlanTotals(seen.after, line.after) })
  }
  const order = (line: PlanLine) => (line.kind === 'plan' ? (positions.get(line.name) ?? Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER)
  return [...byLine.values()].sort((a, b) => (a.kind === b.kind ? order(a) - order(b) || a.name.localeCompare(b.name) : a.kind === 'plan' ? -1 : 1))
}

function toLine(row: Selectable<PlanTotalTable>): PlanLine {
  const side = (sims: number, usageMb: number, allowanceMb: number, monthly: number, overage: number, sms: number): PlanTotal => ({ sims, usageMb, allowanceMb, monthly, overage, sms })
  return {
    kind: row.kind,
    name: row.name,
    pool: row.pool,
    before: side(row.sims_before, row.usage_mb_before, row.allowance_mb_before, row.monthly_before, row.overage_before, row.sms_before),
    after: side(row.sims_after, row.usage_mb_after, row.allowance_mb_after, row.monthly_after, row.overage_after, row.sms_after),
  }
}
