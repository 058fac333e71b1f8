/**
 * The last stage of an instance: its workbook, e-mailed with the results to the tenant's recipients
 * (through the outbox), and the instance, then the session, `done`. A fleet whose workbook is bigger
 * than `SIMOPT_MAX_ATTACHMENT_MB` gets it without the Assignments sheet (and, if still too big, without
 * the Changes sheet), and the e-mail says how to get the whole one.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { WORKBOOK_MEDIA_TYPE, writeReportWorkbook, type ReportSource, type ReportWorkbookOptions } from '../../io/report/index.js'
import { parseTenantSettings } from '../../notify/tenant-settings.js'
import { changePage, hasUnfinishedInstance, instancePushFacts, instanceReport, instanceState, sessionTenantId, setInstanceStatus } from '../../store/index.js'
import { job, type Job } from '../job.js'
import { queueEmail } from '../queue-message.js'
import { moveSession } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

/** Changes the results e-mail lists, those that save the most. */
const TOP_CHANGES = 10


export const reportInstance: Stage = {
  type: 'report-instance',
  sessionOf: sessionOfInstance,
  async run(instanceId, { store, config, commit }) {
    const instance = await instanceState(store.db, instanceId)
    if (instance.status === 'done') return
    const facts = await instancePushFacts(store.db, instanceId)
    const source = await instanceReport(store, instanceId, parseTenantSettings(facts.tenantSettings, facts.tenant).timeZone)
    const workbook = await workbookWithin(source, config.maxAttachmentBytes)
    const { summary } = source
    const topChanges = await changePage(store.db, instanceId, {}, { order: 'saving-desc', limit: TOP_CHANGES })
    await commit(async (trx): Promise<Job[]> => {
      const jobs = await queueEmail(
        trx,
        config,
        { tenantId: await sessionTenantId(trx, instance.sessionId), sessionId: instance.sessionId },
        {
          kind: 'results',
          tenant: summary.tenant ?? '',
          provider: summary.provider,
          period: summary.period ?? '',
          sessionId: instance.sessionId,
          sims: summary.sims,
          unpricedNote: instance.unpricedNote,
          changes: summary.changes,
          costBefore: summary.costBefore,
          costAfter: summary.costAfter,
          lowerBound: summary.lowerBound,
          baselineCost: summary.baselineCost,
          workbook: { filename: `simopt-${summary.provider}-${summary.period}.xlsx`, content: workbook.content, contentType: WORKBOOK_MEDIA_TYPE },
          sheetsLeftOut: workbook.sheetsLeftOut,
          currency: summary.currency,
          periodStart: facts.periodStartsAt,
          periodEnd: facts.periodEndsAt,
          topChanges,
        },
      )
      await setInstanceStatus(trx, instanceId, 'done')
      // Go / no-go for its changes, once the result is out.
      jobs.push(job('decide-push', instanceId))
      if (!(await hasUnfinishedInstance(trx, instance.sessionId))) jobs.push(...(await moveSession(trx, config, instance.sessionId, 'done')))
      return jobs
    })
  },
}

/** The workbooks an e-mail may carry, largest first, with what each leaves out. */
const VARIANTS: readonly { readonly options: ReportWorkbookOptions; readonly leftOut: readonly string[] }[] = [
  { options: {}, leftOut: [] },
  { options: { assignments: false }, leftOut: ['Assignments'] },
  { options: { assignments: false, changes: false }, leftOut: ['Assignments', 'Changes'] },
]
/**
 * Compressed bytes per row, measured on a million SIMs (95.6 MB with 589,209 changes; 29.4 MB without the
 * Assignments sheet), rounded up: variants sure to be too big are not written at all (36 s for 1M SIMs).
 */
const BYTES_PER_SIM = 70
const BYTES_PER_CHANGE = 55

/** The biggest workbook that fits in an e-mail: the whole one if it can, else one with fewer sheets. */
async function workbookWithin(source: ReportSource, maxBytes: number): Promise<{ content: Buffer; sheetsLeftOut: readonly string[] }> {
  const { sims, changes } = source.summary
  const estimate = (options: ReportWorkbookOptions) => (options.assignments === false ? 0 : sims * BYTES_PER_SIM) + (options.changes === false ? 0 : changes * BYTES_PER_CHANGE)
  const folder = await mkdtemp(path.join(tmpdir(), 'simopt-report-'))
  try {
    const file = path.join(folder, 'report.xlsx')
    for (const [index, variant] of VARIANTS.entries()) {
      const last = index === VARIANTS.length - 1
      if (!last && estimate(variant.options) > maxBytes) continue
      await writeReportWorkbook(file, source, variant.options)
      if (last || (await stat(file)).size <= maxBytes) return { content: await readFile(file), sheetsLeftOut: variant.leftOut }
    }
    throw new Error('unreachable: the last variant is always returned')
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}
