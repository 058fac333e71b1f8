/**
 * What a finished session produced, as the command line and the API both read it: its SIMs a page at a
 * time, its plan table, its report (the source of the workbook and the CSV), its assignment, savings by
 * billing period; and the files-in, result-out optimization of `simopt optimize` and the what-if upload.
 */
import { DEFAULT_CURRENCY, DEFAULT_TIME_ZONE, type BillingTerms, type PlanLine, type Problem } from '../domain/index.js'
import { readFleetFiles, summarize, type FleetFiles, type ProblemFiles, type RunSummary } from '../io/index.js'
import { reportFromOptimization, type ReportSource } from '../io/report/index.js'
import { optimize, type OptimizationResult, type OptimizeOptions } from '../optimizer/index.js'
import { parseTenantSettings } from '../notify/tenant-settings.js'
import {
  instancePlanLines,
  instancePushFacts,
  instanceReport,
  resultPage as resultPageRows,
  resultRows,
  savingsByPeriod,
  type PeriodSavings,
  type ResultPageLine,
  customerOutcomes,
  customerSessionScope,
} from '../store/index.js'
import { customerSessionWorkbook } from '../jobs/stages/report-customers.js'
import type { ServiceContext } from './context.js'
import { finishedInstance, type TenantScope } from './session-scope.js'

export interface ResultPage {
  /** The session's SIMs, all of them (not only those the prefix matches). */
  readonly total: number
  readonly rows: ResultPageLine[]
  /** The last ICCID of a full page (pass it as `after` for the next), null on the last page. */
  readonly next: string | null
}

/**
 * A page of the session's SIMs in ICCID order, after the ICCID `after`, only those starting with `prefix`.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done).
 */
export async function resultPage(
  ctx: ServiceContext,
  sessionId: string,
  page: { after?: string | undefined; prefix?: string | undefined; limit: number },
  scope?: TenantScope,
): Promise<ResultPage> {
  const instance = await finishedInstance(ctx, sessionId, 'its results exist', scope)
  const rows = await resultPageRows(ctx.store.db, instance.id, page)
  return { total: instance.sims ?? 0, rows, next: rows.length === page.limit ? rows.at(-1)!.iccid : null }
}

/**
 * The session's plan table: each plan and pool before and after, plans in the price sheet's order.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done).
 */
export async function planTable(ctx: ServiceContext, sessionId: string, scope?: TenantScope): Promise<PlanLine[]> {
  const instance = await finishedInstance(ctx, sessionId, 'its results exist', scope)
  return instancePlanLines(ctx.store.db, instance.id, instance.provider_id)
}

/**
 * The session's report, for the workbook and the CSV writers (`io/report`); its rows are read a page at a
 * time while the file is written.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done).
 */
export async function sessionReport(ctx: ServiceContext, sessionId: string, scope?: TenantScope): Promise<ReportSource> {
  const instance = await finishedInstance(ctx, sessionId, 'its report exists', scope)
  const facts = await instancePushFacts(ctx.store.db, instance.id)
  return instanceReport(ctx.store, instance.id, parseTenantSettings(facts.tenantSettings, facts.tenant).timeZone)
}

/**
 * A customer session's workbook (a Summary sheet and a sheet per customer), or undefined for a carrier session.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done).
 */
export async function customerSessionReport(ctx: ServiceContext, sessionId: string): Promise<{ content: Buffer; sims: number } | undefined> {
  await finishedInstance(ctx, sessionId, 'its report exists')
  if ((await customerSessionScope(ctx.store.db, sessionId)).type !== 'customer') return undefined
  const { content, lines } = await customerSessionWorkbook(ctx.store.db, sessionId)
  return { content, sims: lines.reduce((total, line) => total + line.sims, 0) }
}

/**
 * The session's result, one row per SIM in ICCID order, read a page at a time as it is consumed.
 * @throws SimoptError `SESSION_NOT_FOUND`, `STATE_CONFLICT` (not done).
 */
export async function sessionAssignment(ctx: ServiceContext, sessionId: string): Promise<ReturnType<typeof resultRows>> {
  const instance = await finishedInstance(ctx, sessionId, 'its results exist')
  if ((await customerSessionScope(ctx.store.db, sessionId)).type !== 'customer') return resultRows(ctx.store, instance.id)
  // A customer session: every customer's rows, customer after customer (their comm_plan column holds the customer).
  const instances = (await customerOutcomes(ctx.store.db, sessionId)).map((outcome) => outcome.instanceId)
  return (async function* () {
    for (const id of instances) yield* resultRows(ctx.store, id)
  })()
}

/** Cost before and after per billing period, the last `periods` of them; one tenant's, or every tenant's. */
export async function monthlySavings(ctx: ServiceContext, tenantId: string | undefined, periods: number): Promise<PeriodSavings[]> {
  return savingsByPeriod(ctx.store.db, tenantId, periods)
}

/** An optimization of files, and when its steps ended (epoch ms), for the summary and the report. */
export interface FilesOptimization {
  readonly problem: Problem
  readonly result: OptimizationResult
  readonly summary: RunSummary
  readonly startedAt: number
  readonly readAt: number
  readonly finishedAt: number
}

/**
 * Reads a price sheet and fleet from files and finds the cheapest assignment. Needs no database, so it
 * takes no service context: `simopt optimize` runs it without one.
 * @throws SimoptError `INPUT_INVALID` naming the file, line and column of a bad value.
 */
export async function optimizeFiles(files: FleetFiles, billing: BillingTerms, options: OptimizeOptions = {}): Promise<FilesOptimization> {
  const startedAt = Date.now()
  const problem = await readFleetFiles(files, billing)
  const readAt = Date.now()
  const result = await optimize(problem, options)
  const finishedAt = Date.now()
  return { problem, result, summary: summarize(problem, result), startedAt, readAt, finishedAt }
}

/** A SIM of the what-if answer. */
export interface WhatIfRow {
  readonly iccid: string
  readonly commPlan: string
  readonly currentPlan: string
  readonly newPlan: string
  readonly usageMb: number
  readonly costBefore: number
  readonly costAfter: number
}

/**
 * What-if: files optimized as `simopt optimize` does it, nothing stored; the summary and the first `rows` SIMs.
 * @throws SimoptError `INPUT_INVALID` naming the file, line and column of a bad value.
 */
export async function whatIf(files: ProblemFiles, billing: BillingTerms, rows: number): Promise<{ summary: RunSummary; rows: WhatIfRow[] }> {
  const { problem, result, summary } = await optimizeFiles(files, billing)
  const { sims, plans, commPlans } = problem
  return {
    summary,
    rows: Array.from({ length: Math.min(rows, sims.count) }, (_, i) => ({
      iccid: sims.iccid[i]!,
      commPlan: commPlans[sims.commPlan[i]!]!.name,
      currentPlan: plans[sims.currentPlan[i]!]!.code,
      newPlan: plans[result.assignment[i]!]!.code,
      usageMb: sims.usageMb[i]!,
      costBefore: result.before.monthly[i]! + result.before.overage[i]! + result.before.sms[i]!,
      costAfter: result.priced.monthly[i]! + result.priced.overage[i]! + result.priced.sms[i]!,
    })),
  }
}

/** The report of files optimized (`optimizeFiles`): `simopt optimize --xlsx / --report-csv`, what-if's download. */
export function reportOfFiles(run: FilesOptimization, provider: 'files' | 'what-if'): ReportSource {
  const { problem, result, startedAt, readAt, finishedAt } = run
  return reportFromOptimization(problem, result, {
    tenant: null,
    provider,
    period: null,
    sessionId: null,
    startedAt,
    finishedAt,
    stages: [
      { name: 'read files', seconds: (readAt - startedAt) / 1000 },
      { name: 'optimize', seconds: (finishedAt - readAt) / 1000 },
    ],
    devicesSyncedTill: null,
    usageMeasuredTill: null,
    generatedAt: finishedAt,
    // Files name no currency or time zone: the defaults.
    currency: DEFAULT_CURRENCY,
    timeZone: DEFAULT_TIME_ZONE,
  })
}

/**
 * What-if in full: the files optimized as `whatIf` does it, as the report of every SIM (the CSV and the
 * workbook of `simopt optimize --report-csv / --xlsx`), for a download. Nothing is stored.
 * @throws SimoptError `INPUT_INVALID` naming the file, line and column of a bad value.
 */
export async function whatIfReport(files: ProblemFiles, billing: BillingTerms): Promise<ReportSource> {
  return reportOfFiles(await optimizeFiles(files, billing), 'what-if')
}
