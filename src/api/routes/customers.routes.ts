/**
 * Customer optimization (issue 20): a tenant's customers, their price sheet, customer sessions started and
 * their customers' figures, and each customer's bill before and after over the months.
 */
import { z } from 'zod'
import { CHARGE_TYPES, gapPercent } from '../../domain/index.js'
import { customerPriceSheet, customerSavings, customerSessionsOf, customersOf, sessionCustomers } from '../../services/customers.service.js'
import { startCustomerSession } from '../../services/sessions.service.js'
import { callerOf } from '../auth.js'
import { replies, type ZodApp } from '../contract.js'
import { serviceContext, type ApiDeps } from '../deps.js'
import { epochMillis, name, nullableEpochMillis, pageLimit, periodText, sessionParams, tenantParams } from '../schemas.js'
import { visibleTenant } from '../../services/tenant-access.js'

const customer = z.object({ externalId: z.string(), name: z.string(), sims: z.number().int() })
const customerPlan = z.object({
  code: z.string(),
  monthlyRate: z.number(),
  includedMb: z.number(),
  overageBlockMb: z.number(),
  overageBlockPrice: z.number(),
  smsRate: z.number(),
  pooled: z.boolean(),
  pool: z.string().nullable(),
  autoChange: z.boolean().describe('false: SIMs on the plan are priced as they are, never moved'),
  chargeType: z.enum(CHARGE_TYPES),
})
const customerPool = z.object({ name: z.string(), overageBlockMb: z.number(), overageBlockPrice: z.number() })
const customerFigures = z.object({
  externalId: z.string(),
  name: z.string(),
  status: z.string(),
  sims: z.number().int().nullable(),
  changes: z.number().int().nullable(),
  billBefore: z.number().nullable().describe("the customer's bill on its current plans"),
  billAfter: z.number().nullable().describe('on the recommended plans'),
  costAfter: z.number().nullable().describe('the bill after with the named pools it shares priced whole: what bound and gap are on'),
  lowerBound: z.number().nullable(),
  gapPct: z.number().nullable(),
  baselineCost: z.number().nullable().describe("the old method's result on the same measure"),
  note: z.string().nullable().describe('how old the usage priced is'),
})
const customerSession = z.object({
  id: z.string(),
  period: z.string(),
  status: z.string(),
  message: z.string().nullable(),
  createdAt: epochMillis,
  finishedAt: nullableEpochMillis,
  customer: z.string().nullable().describe("the one customer it covers (external id); null: every customer"),
  currency: z.string().describe('ISO 4217 code of its amounts'),
})
const savingsLine = z.object({ period: z.string(), sessionId: z.string(), billBefore: z.number(), billAfter: z.number(), savings: z.number() })

export function customerRoutes(app: ZodApp, deps: ApiDeps): void {
  const ctx = serviceContext(deps)

  app.get(
    '/api/tenants/:tenant/customers',
    {
      config: { role: 'viewer' },
      schema: { operationId: 'listCustomers', tags: ['customers'], summary: "the tenant's customers and their SIM counts", params: tenantParams, response: replies({ 200: z.object({ customers: z.array(customer) }) }) },
    },
    async (request) => ({ customers: await customersOf(ctx, request.params.tenant, callerOf(request)) }),
  )

  app.get(
    '/api/tenants/:tenant/customer-plans',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listCustomerPlans',
        tags: ['customers'],
        summary: "the tenant's customer rate plans and customer rate pools",
        params: tenantParams,
        response: replies({ 200: z.object({ plans: z.array(customerPlan), pools: z.array(customerPool) }) }),
      },
    },
    async (request) => {
      const sheet = await customerPriceSheet(ctx, request.params.tenant, callerOf(request))
      return { plans: sheet.plans.map((plan) => ({ ...plan, pool: plan.pool ?? null })), pools: sheet.pools.map((pool) => ({ ...pool })) }
    },
  )

  app.post(
    '/api/tenants/:tenant/customer-sessions',
    {
      config: { role: 'operator' },
      schema: {
        operationId: 'startCustomerSession',
        tags: ['customers'],
        summary: "start a customer session: every customer (or one) on the last synced usage; nothing is synced or pushed",
        params: tenantParams,
        body: z.object({ period: periodText, customer: name.optional().describe("one customer's external id; absent: all customers") }),
        response: replies({ 201: z.object({ id: z.string() }) }),
      },
    },
    async (request, reply) => {
      const tenant = await visibleTenant(deps.store.db, callerOf(request), request.params.tenant)
      const { id } = await startCustomerSession(ctx, { tenant: tenant.name, period: request.body.period, customer: request.body.customer, trigger: 'api' })
      return reply.status(201).send({ id })
    },
  )

  app.get(
    '/api/tenants/:tenant/customer-sessions',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listCustomerSessions',
        tags: ['customers'],
        summary: "the tenant's customer sessions, newest first",
        params: tenantParams,
        querystring: z.object({ limit: pageLimit(20, 200) }),
        response: replies({ 200: z.object({ sessions: z.array(customerSession) }) }),
      },
    },
    async (request) => ({ sessions: await customerSessionsOf(ctx, request.params.tenant, request.query.limit, callerOf(request)) }),
  )

  app.get(
    '/api/customer-sessions/:id/customers',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listSessionCustomers',
        tags: ['customers'],
        summary: "a customer session's customers: bill before and after, bound, gap, old method",
        params: sessionParams,
        response: replies({ 200: z.object({ customers: z.array(customerFigures) }) }),
      },
    },
    async (request) => ({
      customers: (await sessionCustomers(ctx, request.params.id, callerOf(request))).map((row) => ({
        externalId: row.externalId,
        name: row.name,
        status: row.status,
        sims: row.sims,
        changes: row.changes,
        billBefore: row.billBefore,
        billAfter: row.billAfter,
        costAfter: row.costAfter,
        lowerBound: row.lowerBound,
        gapPct: row.costAfter === null || row.lowerBound === null ? null : gapPercent(row.costAfter, row.lowerBound),
        baselineCost: row.baselineCost,
        note: row.note,
      })),
    }),
  )

  app.get(
    '/api/tenants/:tenant/customers/:customer/savings',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listCustomerSavings',
        tags: ['customers'],
        summary: "a customer's bill before and after per billing period, newest first (its latest finished customer session of each)",
        params: z.object({ tenant: name, customer: name }),
        querystring: z.object({ periods: pageLimit(12, 120) }),
        response: replies({ 200: z.object({ periods: z.array(savingsLine) }) }),
      },
    },
    async (request) => ({
      periods: (await customerSavings(ctx, request.params.tenant, request.params.customer, request.query.periods, callerOf(request))).map((line) => ({ ...line, savings: line.billBefore - line.billAfter })),
    }),
  )
}
