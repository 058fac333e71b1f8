/**
 * A finished session's result: its SIMs a page at a time (searchable by ICCID prefix), the same as CSV or
 * the Excel workbook, and its plan table (cost by plan before and after, for the chart).
 */
import type { FastifyInstance } from 'fastify'
import { writeReportCsv, writeReportWorkbook } from '../../io/report/index.js'
import { instancePlanLines } from '../../store/plan-total-rows.js'
import { instanceReport } from '../../store/session-report.js'
import { callerOf } from '../auth.js'
import type { ApiDeps } from '../deps.js'
import { fileResponse, sendTempFile } from '../download.js'
import { resultPage } from '../queries/result-page.js'
import { ICCID_PATTERN, limitQuery, nullableString, responses, sessionIdParams, type SessionIdParams } from '../schemas.js'
import { finishedInstance } from '../tenant-scope.js'

const resultLine = {
  type: 'object',
  properties: {
    iccid: { type: 'string' },
    commPlan: { type: 'string' },
    currentPlan: { type: 'string' },
    newPlan: { type: 'string' },
    rawUsageMb: { type: 'number', description: 'usage so far, MB' },
    usageMb: { type: 'number', description: 'usage projected to the period end, MB (what is priced)' },
    costBefore: { type: 'number' },
    costAfter: { type: 'number' },
    monthly: { type: 'number' },
    overage: { type: 'number' },
    sms: { type: 'number' },
    changeStatus: { ...nullableString, description: 'where the change stands; null when the plan does not change' },
  },
} as const

const planTotal = {
  type: 'object',
  properties: { sims: { type: 'integer' }, usageMb: { type: 'number' }, allowanceMb: { type: 'number' }, monthly: { type: 'number' }, overage: { type: 'number' }, sms: { type: 'number' } },
} as const

interface ResultsQuery {
  after?: string
  iccid?: string
  limit: number
}

export function resultRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get<{ Params: SessionIdParams; Querystring: ResultsQuery }>(
    '/api/sessions/:id/results',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['results'],
        summary: "a page of the session's SIMs in ICCID order; the next page starts after the last ICCID",
        params: sessionIdParams,
        querystring: {
          type: 'object',
          properties: {
            after: { type: 'string', pattern: ICCID_PATTERN, description: 'the last ICCID of the previous page' },
            iccid: { type: 'string', pattern: ICCID_PATTERN, description: 'only SIMs whose ICCID starts with this' },
            limit: limitQuery(100, 1000),
          },
        },
        response: responses({
          200: {
            type: 'object',
            properties: {
              total: { type: 'integer', description: "the session's SIMs (all of them, not only the search's)" },
              rows: { type: 'array', items: resultLine },
              next: { ...nullableString, description: 'pass as after= for the next page; null on the last' },
            },
          },
        }),
      },
    },
    async (request) => {
      const instance = await finishedInstance(store, callerOf(request), request.params.id)
      const { after, iccid, limit } = request.query
      const rows = await resultPage(store, instance.id, { after, prefix: iccid, limit })
      return { total: instance.sims ?? 0, rows, next: rows.length === limit ? rows.at(-1)!.iccid : null }
    },
  )

  app.get<{ Params: SessionIdParams }>(
    '/api/sessions/:id/results.csv',
    {
      config: { role: 'viewer' },
      schema: { tags: ['results'], summary: "every SIM of the session as CSV (the report's columns)", params: sessionIdParams, response: responses({ 200: fileResponse('text/csv', 'the CSV file') }) },
    },
    async (request, reply) => {
      const instance = await finishedInstance(store, callerOf(request), request.params.id)
      const source = await instanceReport(store, instance.id)
      return sendTempFile(reply, { name: `simopt-${request.params.id}.csv`, type: 'text/csv; charset=utf-8' }, (file) => writeReportCsv(file, source))
    },
  )

  app.get<{ Params: SessionIdParams }>(
    '/api/sessions/:id/report.xlsx',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['results'],
        summary: "the session's Excel workbook: summary, assignments, plans, changes",
        params: sessionIdParams,
        response: responses({ 200: fileResponse('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'the workbook') }),
      },
    },
    async (request, reply) => {
      const instance = await finishedInstance(store, callerOf(request), request.params.id)
      const source = await instanceReport(store, instance.id)
      return sendTempFile(reply, { name: `simopt-${request.params.id}.xlsx`, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, (file) =>
        writeReportWorkbook(file, source),
      )
    },
  )

  app.get<{ Params: SessionIdParams }>(
    '/api/sessions/:id/plans',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['results'],
        summary: "the session's plan table: each plan and pool before and after (pool lines sum their plans')",
        params: sessionIdParams,
        response: responses({
          200: {
            type: 'object',
            properties: {
              lines: {
                type: 'array',
                items: { type: 'object', properties: { kind: { type: 'string', enum: ['plan', 'pool'] }, name: { type: 'string' }, pool: nullableString, before: planTotal, after: planTotal } },
              },
            },
          },
        }),
      },
    },
    async (request) => {
      const instance = await finishedInstance(store, callerOf(request), request.params.id)
      return { lines: await instancePlanLines(store.db, instance.id, instance.provider_id) }
    },
  )
}
