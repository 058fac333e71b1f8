/** Finding a session and its instance for the services that read or act on it, and what still runs for it. */
import type { Selectable } from 'kysely'
import type { Db } from './database.js'
import type { InstanceTable } from './schema.js'
import type { SessionStatus } from './transitions.js'

/** A session's owner and status: enough to decide whether a caller may see it and what may be done to it. */
export interface SessionAccess {
  readonly id: string
  readonly tenantId: string
  readonly status: SessionStatus
}

export async function sessionAccess(db: Db, sessionId: string): Promise<SessionAccess | undefined> {
  const row = await db.selectFrom('sessions').select(['id', 'tenant_id', 'status']).where('id', '=', sessionId).executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, tenantId: row.tenant_id, status: row.status }
}

export type SessionInstanceRow = Selectable<InstanceTable>

/** The session's first instance (one per provider; sessions have one provider today), if it has one yet. */
export async function firstInstanceOf(db: Db, sessionId: string): Promise<SessionInstanceRow | undefined> {
  return db.selectFrom('instances').selectAll().where('session_id', '=', sessionId).orderBy('created_at').executeTakeFirst()
}

export async function instanceIdsOfSession(db: Db, sessionId: string): Promise<string[]> {
  return (await db.selectFrom('instances').select('id').where('session_id', '=', sessionId).execute()).map((row) => row.id)
}

/** How many of the jobs with these ids are still queued or running. */
export async function countUnfinishedJobs(db: Db, jobIds: readonly string[]): Promise<number> {
  if (jobIds.length === 0) return 0
  return (await db.selectFrom('jobs').select('id').where('id', 'in', [...jobIds]).where('status', 'in', ['queued', 'active']).execute()).length
}
