/** Running a session of tenant acme's provider main through the CLI, and watching its rate plan changes end. */
import assert from 'node:assert/strict'
import { billingPeriodAt } from '../../src/domain/index.js'
import type { Store } from '../../src/store/index.js'
import { eventually, sessionEnd, simoptOk, type ServiceEnv } from './service-env.js'

/** The current calendar month: the simulators bill by calendar months in UTC. */
export const PERIOD = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name
/** A change in one of these is settled: nothing more happens to it. */
export const ENDED = ['verified', 'discrepancy', 'failed', 'skipped']

/** Starts a session (`simopt run`), waits for it, and asserts it is done. */
export async function runSession({ env, store }: { readonly env: ServiceEnv; readonly store: Store }): Promise<{ sessionId: string; instanceId: string }> {
  const sessionId = (await simoptOk(env, ['run', '--tenant', 'acme', '--provider', 'main', '--period', PERIOD])).stdout.trim()
  const end = await sessionEnd(store, sessionId)
  assert.equal(end.status, 'done', end.message ?? '')
  const instance = await store.db.selectFrom('instances').select('id').where('session_id', '=', sessionId).executeTakeFirstOrThrow()
  return { sessionId, instanceId: instance.id }
}

export async function changes(store: Store, instanceId: string) {
  return store.db.selectFrom('changes').selectAll().where('instance_id', '=', instanceId).orderBy('iccid').execute()
}

/** Waits until every change of the instance has ended (`ENDED`). */
export async function allEnded(store: Store, instanceId: string, timeoutMs = 120_000) {
  return eventually(
    'every change to end',
    async () => {
      const rows = await changes(store, instanceId)
      return rows.length > 0 && rows.every((row) => ENDED.includes(row.status)) ? rows : undefined
    },
    timeoutMs,
  )
}
