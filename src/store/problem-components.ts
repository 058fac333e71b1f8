/** An instance's built problem: its components (each with its snapshot), written once, and the SIM count earlier sessions built. */
import type { Db } from './database.js'

export interface NewComponent {
  readonly id: string
  readonly position: number
  readonly sims: number
  /** `encodeSnapshot` of the component's problem. */
  readonly snapshot: Uint8Array
}

/** What the instance records of its built problem. */
export interface BuiltProblem {
  readonly sims: number
  readonly unpricedSims: number
  readonly unpricedNote: string | null
  readonly costBefore: number
}

/** The instance's components not optimized yet, by id. */
export async function pendingComponentIds(db: Db, instanceId: string): Promise<string[]> {
  const rows = await db.selectFrom('components').select('id').where('instance_id', '=', instanceId).where('status', '<>', 'done').execute()
  return rows.map((row) => row.id)
}

/**
 * Records the instance's components and figures, once; false when another delivery built them first (then
 * nothing is written). Run it in a transaction.
 */
export async function saveBuiltProblem(db: Db, instanceId: string, components: readonly NewComponent[], built: BuiltProblem): Promise<boolean> {
  const claimed = await db.updateTable('instances').set({ updated_at: Date.now() }).where('id', '=', instanceId).where('component_count', 'is', null).returning('id').executeTakeFirst()
  if (claimed === undefined) return false
  // One component per statement: a snapshot can be tens of MB.
  for (const component of components) {
    await db
      .insertInto('components')
      .values({
        id: component.id,
        instance_id: instanceId,
        position: component.position,
        sims: component.sims,
        status: 'pending',
        snapshot: component.snapshot,
        cost_before: null,
        cost_after: null,
        lower_bound: null,
        baseline_cost: null,
        changes: null,
        seconds: null,
        finished_at: null,
      })
      .execute()
  }
  await db
    .updateTable('instances')
    .set({ sims: built.sims, unpriced_sims: built.unpricedSims, unpriced_note: built.unpricedNote, component_count: components.length, cost_before: built.costBefore, updated_at: Date.now() })
    .where('id', '=', instanceId)
    .execute()
  return true
}

/** The SIM count of the provider's last finished instance of another session, and its period; undefined when none counted any. */
export async function lastFinishedSimCount(db: Db, providerId: string, exceptSessionId: string): Promise<{ sims: number; period: string } | undefined> {
  const previous = await db
    .selectFrom('instances')
    .innerJoin('billing_periods', 'billing_periods.id', 'instances.period_id')
    .select(['instances.sims', 'billing_periods.name as period'])
    .where('instances.provider_id', '=', providerId)
    .where('instances.status', '=', 'done')
    .where('instances.session_id', '<>', exceptSessionId)
    .orderBy('instances.finished_at', 'desc')
    .executeTakeFirst()
  return previous?.sims == null ? undefined : { sims: previous.sims, period: previous.period }
}
