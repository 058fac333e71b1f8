/** The optimizer's result info as stored per component (JSON, parsed back with zod): per session, per instance, counted. */
import { z } from 'zod'
import { COMPONENT_STOPS, OPTIMIZER_STATUSES, mergeOptimizerInfo, type OptimizerInfo, type OptimizerStatus, type PhaseMs } from '../optimizer/index.js'
import type { Db } from './database.js'

const phaseMsSchema = z.object({
  split: z.number(),
  exhaustive: z.number(),
  dual: z.number(),
  dives: z.number(),
  search: z.number(),
  bound: z.number(),
  seed: z.number(),
  price: z.number(),
}) satisfies z.ZodType<PhaseMs>

/** The stored JSON's shape; also usable as the API's contract of an `optimizer` field. */
export const optimizerInfoSchema = z.object({
  status: z.enum(OPTIMIZER_STATUSES),
  components: z.number(),
  stops: z.record(z.enum(COMPONENT_STOPS), z.number()),
  dualEvaluations: z.number(),
  branchEvaluations: z.number(),
  dives: z.number(),
  dualUnconverged: z.number(),
  searchBudgetSpent: z.number(),
  keptCurrent: z.boolean(),
  phaseMs: phaseMsSchema,
}) satisfies z.ZodType<OptimizerInfo>

/** The columns of `components` that hold a run's info. */
export function optimizerInfoColumns(info: OptimizerInfo): { optimizer_status: OptimizerStatus; optimizer_info: string } {
  return { optimizer_status: info.status, optimizer_info: JSON.stringify(info) }
}

/** A stored info; undefined when the column is empty (solved before it was recorded) or not a valid info. */
export function parseOptimizerInfo(json: string | null): OptimizerInfo | undefined {
  if (json === null) return undefined
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return undefined
  }
  const parsed = optimizerInfoSchema.safeParse(value)
  return parsed.success ? parsed.data : undefined
}

/**
 * How the optimizer ran on a session: its components' infos merged (counts and times added, the worst status),
 * over all its instances (providers); undefined before any component is solved. For the session detail.
 */
export async function sessionOptimizerInfo(db: Db, sessionId: string): Promise<OptimizerInfo | undefined> {
  const rows = await db
    .selectFrom('components')
    .innerJoin('instances', 'instances.id', 'components.instance_id')
    .select('components.optimizer_info')
    .where('instances.session_id', '=', sessionId)
    .where('components.optimizer_info', 'is not', null)
    .execute()
  return merged(rows.map((row) => row.optimizer_info))
}

/** The same for one instance (a session's run for one provider). */
export async function instanceOptimizerInfo(db: Db, instanceId: string): Promise<OptimizerInfo | undefined> {
  const rows = await db.selectFrom('components').select('optimizer_info').where('instance_id', '=', instanceId).where('optimizer_info', 'is not', null).execute()
  return merged(rows.map((row) => row.optimizer_info))
}

/** Milliseconds per phase of each of `instanceIds`, summed over its components (instances with none recorded left out). */
export async function instancePhaseMs(db: Db, instanceIds: readonly string[]): Promise<Map<string, PhaseMs>> {
  const byInstance = new Map<string, PhaseMs>()
  if (instanceIds.length === 0) return byInstance
  const rows = await db
    .selectFrom('components')
    .select(['instance_id', 'optimizer_info'])
    .where('instance_id', 'in', [...instanceIds])
    .where('optimizer_info', 'is not', null)
    .execute()
  const infos = new Map<string, OptimizerInfo[]>()
  for (const row of rows) {
    const info = parseOptimizerInfo(row.optimizer_info)
    if (info === undefined) continue
    let list = infos.get(row.instance_id)
    if (list === undefined) infos.set(row.instance_id, (list = []))
    list.push(info)
  }
  for (const [instanceId, list] of infos) byInstance.set(instanceId, { ...mergeOptimizerInfo(list)!.phaseMs })
  return byInstance
}

function merged(column: readonly (string | null)[]): OptimizerInfo | undefined {
  return mergeOptimizerInfo(column.map(parseOptimizerInfo).filter((info): info is OptimizerInfo => info !== undefined))
}
