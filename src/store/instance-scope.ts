/** What every stage of an instance reads first: its session, the provider it works on (for the carrier) and the billing period. */
import type { PeriodRow, ProviderRow } from './accounts.js'
import type { Db } from './database.js'

export interface InstanceScope {
  readonly instanceId: string
  readonly sessionId: string
  /** Null until the problem is built. */
  readonly componentCount: number | null
  readonly pushStartedAt: number | null
  readonly provider: ProviderRow
  readonly period: PeriodRow
}

/** @throws when the instance (or its provider or period) does not exist: a job's entity is never deleted while it runs. */
export async function instanceScope(db: Db, instanceId: string): Promise<InstanceScope> {
  const instance = await db
    .selectFrom('instances')
    .select(['session_id', 'provider_id', 'period_id', 'component_count', 'push_started_at'])
    .where('id', '=', instanceId)
    .executeTakeFirstOrThrow()
  const provider = await db.selectFrom('service_providers').selectAll().where('id', '=', instance.provider_id).executeTakeFirstOrThrow()
  const period = await db.selectFrom('billing_periods').selectAll().where('id', '=', instance.period_id).executeTakeFirstOrThrow()
  return { instanceId, sessionId: instance.session_id, componentCount: instance.component_count, pushStartedAt: instance.push_started_at, provider, period }
}
