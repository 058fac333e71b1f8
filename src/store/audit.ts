/** The audit log of rate plan changes: every step, by whom or what, when; read with `simopt audit`. */
import type { Db } from './database.js'

export interface AuditEntry {
  /** `system` for the pipeline, `cli:<user>` for an operator. */
  readonly actor: string
  readonly action: string
  readonly sessionId?: string | null
  readonly instanceId?: string | null
  readonly iccid?: string | null
  readonly detail: string
}

export async function audit(db: Db, ...entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  const at = Date.now()
  for (let from = 0; from < entries.length; from += 1000) {
    await db
      .insertInto('audit_log')
      .values(
        entries.slice(from, from + 1000).map((entry) => ({
          at,
          actor: entry.actor,
          action: entry.action,
          session_id: entry.sessionId ?? null,
          instance_id: entry.instanceId ?? null,
          iccid: entry.iccid ?? null,
          detail: entry.detail,
        })),
      )
      .execute()
  }
}

export async function auditEntries(db: Db, filter: { sessionId?: string; iccid?: string; limit?: number } = {}) {
  let query = db.selectFrom('audit_log').selectAll()
  if (filter.sessionId !== undefined) query = query.where('session_id', '=', filter.sessionId)
  if (filter.iccid !== undefined) query = query.where('iccid', '=', filter.iccid)
  // The latest entries, shown oldest first.
  const rows = await query.orderBy('seq', 'desc').limit(filter.limit ?? 200).execute()
  return rows.reverse()
}
