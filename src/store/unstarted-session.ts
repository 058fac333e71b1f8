import type { Store } from './database.js'

/**
 * Takes back a session whose first job could not be handed to the queue: the session, its first
 * transition and its job, as long as no worker has touched the job. The start is then as if never asked,
 * so a retry is not refused as "already running" and no worker runs it later behind the caller's back.
 * @returns whether it was taken back (false: a worker already has it; it stays).
 */
export async function takeBackUnstartedSession(store: Store, sessionId: string, jobId: string): Promise<boolean> {
  return store.db.transaction().execute(async (trx) => {
    const job = await trx.deleteFrom('jobs').where('id', '=', jobId).where('status', '=', 'queued').where('attempts', '=', 0).returning('id').executeTakeFirst()
    if (job === undefined) return false
    await trx.deleteFrom('state_transitions').where('entity', '=', 'session').where('entity_id', '=', sessionId).execute()
    await trx.deleteFrom('sessions').where('id', '=', sessionId).where('status', '=', 'pending').execute()
    return true
  })
}
