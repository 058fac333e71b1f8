/**
 * A finished session's result: its SIMs a page at a time (searchable by ICCID prefix), the same as CSV or
 * the Excel workbook, and its plan table (cost by plan before and after, for the chart).
 */
import { z } from 'zod'
import { writeReportCsv, writeReportWorkbook } from '../../io/report/index.js'
import { planTable, resultPage, sessionReport } from '../../services/reports.service.js'
import { CHANGE_STATUSES } from '../../store/index.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'
import { CSV, fileAnswer, sendTempFile, WORKBOOK } from '../download.js'
import { iccidText, pageLimit, sessionParams } from '../schemas.js'

const resultLine = z.object({
  iccid: z.string(),
  commPlan: z.string(),
  currentPlan: z.string(),
  newPlan: z.string(),
  rawUsageMb: z.number().describe('usage so far, MB'),
  usageMb: z.number().describe('usage projected to the period end, MB (what is priced)'),
  costBefore: z.number(),
  costAfter: z.number(),
  monthly: z.number(),
  overage: z.number(),
  sms: z.number(),
  changeStatus: z.enum(CHANGE_STATUSES).nullable().describe('where the change stands; null when the plan does not change'),
})

const planTotal = z.object({ sims: z.number().int(), usageMb: z.number(), allowanceMb: z.number(), monthly: z.number(), overage: z.number(), sms: z.number() })
const planLine = z.object({ kind: z.enum(['plan', 'pool']), name: z.string(), pool: z.string().nullable(), before: planTotal, after: planTotal })

const resultsQuery = z.object({
  after: iccidText.optional().describe('the last ICCID of the previous page'),
  iccid: iccidText.optional().describe('only SIMs whose ICCID starts with this'),
  limit: pageLimit(100, 1000),
})

export function resultRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)

  app.get(
    '/api/sessions/:id/results',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listResults',
        tags: ['results'],
        summary: "a page of the session's SIMs in ICCID order; the next page starts after the last ICCID",
        params: sessionParams,
        querystring: resultsQuery,
        response: replies({
          200: z.object({
            total: z.number().int().describe("the session's SIMs (all of them, not only the search's)"),
            rows: z.array(resultLine),
            next: z.string().nullable().describe('pass as after= for the next page; null on the last'),
          }),
        }),
      },
    },
    async (request) => {
      const { after, iccid, limit } = request.query
      return resultPage(ctx, request.params.id, { after, prefix: iccid, limit }, callerOf(request))
    },
  )

  app.get(
    '/api/sessions/:id/results.csv',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'downloadResultsCsv',
        tags: ['results'],
        summary: "every SIM of the session as CSV (the report's columns)",
        params: sessionParams,
        produces: [CSV],
        response: replies({ 200: fileAnswer('the CSV file') }),
      },
    },
    async (request, reply) => {
      const source = await sessionReport(ctx, request.params.id, callerOf(request))
      return sendTempFile(reply, { name: `simopt-${request.params.id}.csv`, type: `${CSV}; charset=utf-8` }, (file) => writeReportCsv(file, source))
    },
  )

  app.get(
    '/api/sessions/:id/report.xlsx',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'downloadReportWorkbook',
        tags: ['results'],
        summary: "the session's Excel workbook: summary, assignments, plans, changes",
        params: sessionParams,
        produces: [WORKBOOK],
        response: replies({ 200: fileAnswer('the workbook') }),
      },
    },
    async (request, reply) => {
      const source = await sessionReport(ctx, request.params.id, callerOf(request))
      return sendTempFile(reply, { name: `simopt-${request.params.id}.xlsx`, type: WORKBOOK }, (file) => writeReportWorkbook(file, source))
    },
  )

  app.get(
    '/api/sessions/:id/plans',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getPlanTable',
        tags: ['results'],
        summary: "the session's plan table: each plan and pool before and after (pool lines sum their plans')",
        params: sessionParams,
        response: replies({ 200: z.object({ lines: z.array(planLine) }) }),
      },
    },
    async (request) => ({ lines: await planTable(ctx, request.params.id, callerOf(request)) }),
  )
}
