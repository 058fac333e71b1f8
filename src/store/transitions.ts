/**
 * Status changes of sessions and instances (DESIGN.md §4), each stored with its time so the dashboard
 * and `simopt status` can show how a session went. Always called inside the transaction that makes the
 * change, so the history never disagrees with the row.
 */
import type { Trx } from './schema.js'
import { FINISHED_STATUSES, type SessionStatus } from './statuses.js'

// Where they were first defined; `statuses.ts` is their one source now.
export { FINISHED_STATUSES, SESSION_STATUSES, type SessionStatus } from './statuses.js'

/** @returns false when the session had that status already (nothing is recorded). */
export async function setSessionStatus(trx: Trx, sessionId: string, to: SessionStatus, message: string | null = null): Promise<boolean> {
  const row = await trx.selectFrom('sessions').select('status').where('id', '=', sessionId).executeTakeFirstOrThrow()
  if (row.status === to) return false
  const now = Date.now()
  const finished = FINISHED_STATUSES.includes(to)
  await trx
    .updateTable('sessions')
    .set({ status: to, message, updated_at: now, ...(finished ? { finished_at: now, running_key: null } : {}) })
    .where('id', '=', sessionId)
    .execute()
  await trx.insertInto('state_transitions').values({ entity: 'session', entity_id: sessionId, from_status: row.status, to_status: to, message, at: now }).execute()
  return true
}

export async function setInstanceStatus(trx: Trx, instanceId: string, to: SessionStatus, message: string | null = null): Promise<void> {
  const row = await trx.selectFrom('instances').select('status').where('id', '=', instanceId).executeTakeFirstOrThrow()
  if (row.status === to) return
  const now = Date.now()
  await trx
    .updateTable('instances')
    .set({ status: to, message, updated_at: now, ...(FINISHED_STATUSES.includes(to) ? { finished_at: now } : {}) })
    .where('id', '=', instanceId)
    .execute()
  await trx.insertInto('state_transitions').values({ entity: 'instance', entity_id: instanceId, from_status: row.status, to_status: to, message, at: now }).execute()
}
