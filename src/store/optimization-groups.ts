/**
 * A Mobility provider's optimization groups (issue 21): named sets of its rate plans whose SIMs pool their
 * usage and move among the plans of one rate plan type. One row per plan; a plan is in at most one group.
 */
import type { OptimizationGroup } from '../domain/index.js'
import type { Db } from './database.js'

/** Replaces the provider's groups with `groups` (run it in the transaction that replaces its plans). */
export async function replaceOptimizationGroups(db: Db, providerId: string, groups: readonly OptimizationGroup[]): Promise<void> {
  await db.deleteFrom('optimization_groups').where('provider_id', '=', providerId).execute()
  const rows = groups.flatMap((group) => group.planCodes.map((code) => ({ provider_id: providerId, plan_code: code, name: group.name })))
  if (rows.length === 0) return
  await db
    .insertInto('optimization_groups')
    .values(rows.map((row, position) => ({ ...row, position })))
    .execute()
}

/** The provider's groups, each with its plans in the order they were stored. */
export async function readOptimizationGroups(db: Db, providerId: string): Promise<OptimizationGroup[]> {
  const rows = await db.selectFrom('optimization_groups').select(['name', 'plan_code']).where('provider_id', '=', providerId).orderBy('position').execute()
  const groups = new Map<string, string[]>()
  for (const row of rows) groups.set(row.name, [...(groups.get(row.name) ?? []), row.plan_code])
  return [...groups].map(([name, planCodes]) => ({ name, planCodes }))
}
