/**
 * The outbox: every e-mail and webhook is written here, in the transaction of the work it reports, before
 * anything tries to send it, and stays here after: sent, failed once its retries are spent (kept, and sent
 * again with `simopt outbox resend`), or unaddressed when a setting it needs is missing.
 */
import { sql, type Selectable } from 'kysely'
import type { Db } from './database.js'
import type { OutboxTable } from './schema.js'

export type OutboxRow = Selectable<OutboxTable>
export type OutboxStatus = OutboxTable['status']

export interface NewOutboxMessage {
  readonly id: string
  readonly tenantId: string | null
  readonly sessionId: string | null
  readonly channel: OutboxTable['channel']
  readonly kind: string
  readonly recipient: string
  readonly subject: string | null
  /** The message as sent; a function when the body carries the message's place in its session (`seq`). */
  readonly body: Uint8Array | ((seq: number) => Uint8Array)
  /** Why the message cannot be sent until a setting is made; absent: it is `pending`. */
  readonly unaddressed?: string
}

export async function insertOutboxMessage(db: Db, message: NewOutboxMessage): Promise<void> {
  const now = Date.now()
  // A session's messages of a channel are numbered 1, 2, … in the order they were written; webhooks go
  // out in that order, and a receiver sees a gap if it missed one.
  const last = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('session_id', message.sessionId === null ? 'is' : '=', message.sessionId)
    .where('channel', '=', message.channel)
    .executeTakeFirst()
  const seq = Number(last?.seq ?? 0) + 1
  await db
    .insertInto('outbox')
    .values({
      id: message.id,
      tenant_id: message.tenantId,
      session_id: message.sessionId,
      channel: message.channel,
      kind: message.kind,
      recipient: message.recipient,
      subject: message.subject,
      body: typeof message.body === 'function' ? message.body(seq) : message.body,
      seq,
      status: message.unaddressed === undefined ? 'pending' : 'unaddressed',
      attempts: 0,
      error: message.unaddressed ?? null,
      created_at: now,
      updated_at: now,
      sent_at: null,
    })
    .execute()
}

/** The session a message reports on, if any: its delivery is skipped or failed with it. */
export async function sessionOfMessage(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('outbox').select('session_id').where('id', '=', id).executeTakeFirst())?.session_id ?? undefined
}

export async function findOutboxMessage(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The first webhook of the same session written before this one and not delivered yet, if any. */
export async function earlierPendingWebhook(db: Db, message: OutboxRow): Promise<Pick<OutboxRow, 'id' | 'seq'> | undefined> {
  if (message.session_id === null) return undefined
  return db
    .selectFrom('outbox')
    .select(['id', 'seq'])
    .where('session_id', '=', message.session_id)
    .where('channel', '=', 'webhook')
    .where('seq', '<', message.seq)
    .where('status', '=', 'pending')
    .orderBy('seq')
    .executeTakeFirst()
}

/** Marks a pending message sent; false when it was not pending (sent already by another delivery). */
export async function markOutboxSent(db: Db, id: string): Promise<boolean> {
  const now = Date.now()
  const row = await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sent', attempts: eb('attempts', '+', 1), error: null, sent_at: now, updated_at: now }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Counts a failed attempt, with why. */
export async function recordOutboxFailure(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), error, updated_at: Date.now() }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute()
}

/** Gives up on a message (its retries are spent); it stays in the outbox to be sent again by hand. */
export async function markOutboxFailed(db: Db, id: string, error: string): Promise<void> {
  await db.updateTable('outbox').set({ status: 'failed', error, updated_at: Date.now() }).where('id', '=', id).where('status', '=', 'pending').execute()
}

/** Makes a failed or unaddressed message pending again (with its recipient, for an unaddressed one now addressed). */
export async function requeueOutboxMessage(db: Db, id: string, change: { recipient?: string; body?: Uint8Array } = {}): Promise<boolean> {
  const row = await db
    .updateTable('outbox')
    .set({ status: 'pending', error: null, updated_at: Date.now(), ...change })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'unaddressed'])
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

export interface OutboxFilter {
  readonly sessionId?: string
  readonly tenantId?: string
  readonly statuses?: readonly OutboxStatus[]
  readonly limit?: number
}

/** A message as listed: without its body, with its size. */
export type OutboxListItem = Omit<OutboxRow, 'body' | 'updated_at'> & { readonly bytes: number }

/** Messages without their bodies, newest first. */
export async function listOutbox(db: Db, filter: OutboxFilter = {}): Promise<OutboxListItem[]> {
  let query = db
    .selectFrom('outbox')
    .select(['id', 'tenant_id', 'session_id', 'channel', 'kind', 'recipient', 'subject', 'seq', 'status', 'attempts', 'error', 'created_at', 'sent_at', sql<number>`length(body)`.as('bytes')])
  if (filter.sessionId !== undefined) query = query.where('session_id', '=', filter.sessionId)
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId)
  if (filter.statuses !== undefined) query = query.where('status', 'in', [...filter.statuses])
  return query.orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(filter.limit ?? 50).execute()
}
