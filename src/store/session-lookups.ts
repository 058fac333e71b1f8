/** A session's owner and status, and its first instance: what is checked before a session is shown to a caller. */
import type { Selectable } from 'kysely'
import type { Db } from './database.js'
import type { InstanceTable, SessionTable } from './schema.js'

export interface SessionOwner {
  readonly id: string
  readonly tenantId: string
  readonly status: Selectable<SessionTable>['status']
}

export async function sessionOwner(db: Db, sessionId: string): Promise<SessionOwner | undefined> {
  const row = await db.selectFrom('sessions').select(['id', 'tenant_id', 'status']).where('id', '=', sessionId).executeTakeFirst()
  return row === undefined ? undefined : { id: row.id, tenantId: row.tenant_id, status: row.status }
}

/** The session's first instance (sessions have one provider, so one instance, today). */
export async function firstInstance(db: Db, sessionId: string): Promise<Selectable<InstanceTable> | undefined> {
  return db.selectFrom('instances').selectAll().where('session_id', '=', sessionId).orderBy('created_at').executeTakeFirst()
}
