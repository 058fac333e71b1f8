/** The end of a usage sync, whichever way the usage came (carrier API or report files). */
import type { Config } from '../../config.js'
import { findSync, markDevicesSynced, unpricedCommPlans, type Db, type Trx } from '../../store/index.js'
import { job, type Job } from '../job.js'
import { queueEmail } from '../queue-message.js'
import { moveInstance, sessionFacts } from '../session-progress.js'

/** The provider marked synced, new communication plans told, and the problem built next. */
export async function usageSyncDone(trx: Trx, config: Config, at: { instanceId: string; sessionId: string; providerId: string; windowTill: number }): Promise<Job[]> {
  const { instanceId, sessionId, providerId } = at
  await markDevicesSynced(trx, providerId, at.windowTill)
  const notices = await newCommPlansNotice(trx, config, instanceId, sessionId, providerId)
  return [job('build-problem', instanceId), ...notices, ...(await moveInstance(trx, config, instanceId, sessionId, 'optimizing'))]
}

/**
 * The sync found communication plans the price sheet does not know: their SIMs keep their plans until
 * someone says which rate plans they allow, so someone must hear of them.
 */
async function newCommPlansNotice(trx: Db, config: Config, instanceId: string, sessionId: string, providerId: string): Promise<Job[]> {
  const sync = await findSync(trx, instanceId)
  if (sync === undefined || sync.commPlansAdded === 0) return []
  const unpriced = await unpricedCommPlans(trx, providerId)
  if (unpriced.length === 0) return []
  const facts = await sessionFacts(trx, sessionId)
  return queueEmail(trx, config, { tenantId: facts.tenantId, sessionId }, { kind: 'new-comm-plans', ...facts, sessionId, commPlans: unpriced })
}
