/**
 * The last stage of a customer session (issue 20): one workbook (a Summary sheet and a sheet per customer)
 * and one consolidated e-mail for all its customers, through the outbox; then the session is done. No
 * go / no-go and no push follow: customer plans are the reseller's own billing.
 */
import { gapPercent } from '../../domain/index.js'
import { WORKBOOK_MEDIA_TYPE, customerWorkbook } from '../../io/report/index.js'
import { customerOutcomes, customerResultRecords, customerSessionScope, parseProviderSettings, sessionFacts, sessionProvider, type CustomerOutcomeRow, type Db } from '../../store/index.js'
import type { Job } from '../job.js'
import { queueEmail } from '../queue-message.js'
import { moveSession } from '../session-progress.js'
import type { Stage } from '../stage.js'

export const reportCustomers: Stage = {
  type: 'report-customers',
  sessionOf: async (_db, sessionId) => sessionId,
  async run(sessionId, { store, config, commit }) {
    const facts = await sessionFacts(store.db, sessionId)
    if (facts.status === 'done') return
    const scope = await customerSessionScope(store.db, sessionId)
    const { content, lines, currency, outcomes } = await customerSessionWorkbook(store.db, sessionId)
    const usageNote = outcomes.find((outcome) => outcome.note !== null)?.note ?? `usage of ${scope.period}`
    await commit(async (trx): Promise<Job[]> => {
      const jobs = await queueEmail(trx, config, { tenantId: facts.tenantId, sessionId }, {
        kind: 'customer-results',
        ...facts,
        sessionId,
        customers: lines,
        usageNote,
        workbook: { filename: `simopt-customers-${facts.tenant}-${scope.period}.xlsx`, content, contentType: WORKBOOK_MEDIA_TYPE },
        currency,
      })
      jobs.push(...(await moveSession(trx, config, sessionId, 'done')))
      return jobs
    })
  },
}

/** The customer session's workbook (Summary and a sheet per customer), its lines and currency. */
export async function customerSessionWorkbook(db: Db, sessionId: string) {
  const scope = await customerSessionScope(db, sessionId)
  const provider = await sessionProvider(db, scope.providerId)
  const currency = parseProviderSettings(provider.settings, provider.name).currency
  const outcomes = await customerOutcomes(db, sessionId)
  const lines = outcomes.map(summaryLine)
  const byCustomer = new Map(outcomes.map((outcome) => [outcome.externalId, outcome.instanceId]))
  const content = await customerWorkbook(
    lines,
    async (customer) =>
      (await customerResultRecords(db, byCustomer.get(customer)!)).map((row) => ({
        iccid: row.iccid,
        currentPlan: row.currentPlan,
        newPlan: row.newPlan,
        usageMb: row.usageMb,
        costBefore: row.monthlyBefore + row.overageBefore + row.smsBefore,
        costAfter: row.monthlyAfter + row.overageAfter + row.smsAfter,
      })),
    currency,
  )
  return { content, lines, currency, outcomes }
}

function summaryLine(outcome: CustomerOutcomeRow) {
  const costAfter = outcome.costAfter ?? 0
  const lowerBound = outcome.lowerBound ?? 0
  return {
    customer: outcome.externalId,
    name: outcome.name,
    sims: outcome.sims ?? 0,
    changes: outcome.changes ?? 0,
    billBefore: outcome.billBefore ?? 0,
    billAfter: outcome.billAfter ?? 0,
    lowerBound,
    gapPct: gapPercent(costAfter, lowerBound),
    baselineCost: outcome.baselineCost ?? 0,
    note: outcome.note ?? '',
  }
}
