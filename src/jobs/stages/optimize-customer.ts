/**
 * A customer session's instance (issue 20): prices the customer's SIMs on the last synced usage (no carrier
 * sync is triggered) with the customer price sheet, optimizes them with the one optimizer, and stores the
 * recommended customer plan per SIM with the bill before and after, the bound and the gap. Nothing goes to a
 * carrier. The job that finishes the session's last customer queues the consolidated report.
 */
import { optimizeCustomer, customerResultRows } from '../../optimizer/index.js'
import { customerInstance, customerProgress, hasUnfinishedInstance, loadCustomerSheet, setInstanceStatus, storeCustomerResult, type CustomerResultRecord } from '../../store/index.js'
import { job, type Job } from '../job.js'
import { moveSession, reportProgress } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

/**
 * A customer of this many SIMs or more is solved on a worker thread: the job keeps renewing its lease meanwhile,
 * and a process running two jobs at a time (`run --wait`, `worker --concurrency 2`) solves two customers on two
 * cores, not one after the other on its main thread (the bench's SQLite session took 218 s that way, at a load
 * average of 8.5, against 127 s for two worker processes on PostgreSQL). Smaller ones are not worth a thread.
 */
const THREAD_FROM_SIMS = 1_000

export const optimizeCustomerStage: Stage = {
  type: 'optimize-customer',
  sessionOf: sessionOfInstance,
  async run(instanceId, { store, config, commit }) {
    const instance = await customerInstance(store.db, instanceId)
    if (instance.status === 'done') return
    const now = Date.now()
    const stored = await loadCustomerSheet(store.db, instance.tenantId, instance.period, now, { customerId: instance.customerId })
    const own = stored.sheet.sims.filter((sim) => sim.customer === instance.externalId).length
    const note = usageNote(instance.period, stored.oldestUsageReadAt, now)
    if (own === 0) {
      // Its SIMs have no usage for the period: nothing to price, said so.
      return commit(async (trx) => {
        await storeCustomerResult(trx, store.dialect, instanceId, [], { sims: 0, changes: 0, billBefore: 0, billAfter: 0, costBefore: 0, costAfter: 0, lowerBound: 0, baselineCost: 0, note: `no SIM with usage for ${instance.period}` })
        return finish(trx)
      })
    }
    const outcome = await optimizeCustomer(stored.sheet, instance.externalId, { workers: own >= THREAD_FROM_SIMS ? 1 : 0 })
    const rawOf = new Map(stored.sheet.sims.map((sim, index) => [sim.iccid, stored.rawUsageMb[index]!]))
    const rows: CustomerResultRecord[] = []
    const before = outcome.result.before
    let i = 0
    for (const row of customerResultRows(outcome)) {
      // customerResultRows walks the problem's own rows in order; find the row's index for the before split.
      while (outcome.problem.own[i] !== 1) i++
      rows.push({
        iccid: row.iccid,
        customer: row.customer,
        currentPlan: row.currentPlan,
        newPlan: row.newPlan,
        rawUsageMb: rawOf.get(row.iccid) ?? row.usageMb,
        usageMb: row.usageMb,
        monthlyBefore: before.monthly[i]!,
        overageBefore: before.overage[i]!,
        smsBefore: before.sms[i]!,
        monthlyAfter: row.monthly,
        overageAfter: row.overage,
        smsAfter: row.sms,
      })
      i++
    }
    await commit(async (trx) => {
      const stored = await storeCustomerResult(trx, store.dialect, instanceId, rows, { ...outcome, note })
      return stored ? finish(trx) : []
    })

    async function finish(trx: Parameters<Parameters<typeof commit>[0]>[0]): Promise<Job[]> {
      await setInstanceStatus(trx, instanceId, 'done', note)
      if (await hasUnfinishedInstance(trx, instance.sessionId)) {
        // The webhook hears of every tenth of the customers, as of every tenth of a carrier session's components.
        const { done, total } = await customerProgress(trx, instance.sessionId)
        const tenth = (count: number) => Math.floor((10 * count) / total)
        return tenth(done) > tenth(done - 1) ? reportProgress(trx, config, instance.sessionId) : []
      }
      return [job('report-customers', instance.sessionId), ...(await moveSession(trx, config, instance.sessionId, 'finalizing'))]
    }
  },
}

/** "usage of 2026-11 synced 3.5 hours ago", or that it was imported. */
export function usageNote(period: string, readAt: number | null, now: number): string {
  if (readAt === null) return `usage of ${period} as imported (no carrier sync read it)`
  const hours = (now - readAt) / 3_600_000
  return `usage of ${period} last synced ${hours < 1 ? `${Math.round(hours * 60)} minutes` : hours < 48 ? `${hours.toFixed(1)} hours` : `${(hours / 24).toFixed(1)} days`} ago`
}
