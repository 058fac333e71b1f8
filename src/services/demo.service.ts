/**
 * `simopt demo`'s account: tenant `demo` (results e-mailed to a demo address unless it has recipients of its
 * own) with provider `demo`, a Jasper account on the simulator the demo runs, and the simulator's price sheet.
 */
import type { BillingCycle, Problem } from '../domain/index.js'
import {
  ensurePeriod,
  ensureProvider,
  ensureTenant,
  importFleet,
  initTenantSettings,
  inTransaction,
  sealCredentials,
  secretBox,
  toProviderAccount,
  updateProviderAccount,
} from '../store/index.js'
import type { ServiceContext } from './context.js'

export const DEMO_TENANT = 'demo'
export const DEMO_PROVIDER = 'demo'

export interface DemoAccountInput {
  /** The simulator's API address and its account. */
  readonly url: string
  readonly user: string
  readonly apiKey: string
  readonly cycle: BillingCycle
  readonly callsPerSecond: number
  /** Gets the results e-mail. */
  readonly recipient: string
  /** The simulator's price sheet, imported for `period`. */
  readonly problem: Problem
  readonly period: string
}

/** Makes (or points again at the simulator) the demo tenant's carrier account, and imports its price sheet. */
export async function prepareDemoAccount(ctx: ServiceContext, input: DemoAccountInput): Promise<void> {
  const sealedCredentials = sealCredentials(secretBox(ctx.config), { user: input.user, apiKey: input.apiKey, url: input.url })
  await inTransaction(ctx.store, async (trx) => {
    const tenantId = await ensureTenant(trx, DEMO_TENANT)
    // Someone to send the results to, so the demo shows the e-mail too (in the outbox folder on the defaults).
    await initTenantSettings(trx, tenantId, JSON.stringify({ emailTo: [input.recipient] }))
    const settings = { callsPerSecond: input.callsPerSecond }
    const found = await ensureProvider(trx, tenantId, DEMO_PROVIDER, { ...input.cycle, integration: 'jasper', settings, baseUrl: input.url, sealedCredentials })
    // The simulator listens on a new port each run (and older demos imported files): point the account at it.
    const account = toProviderAccount(found)
    await updateProviderAccount(trx, account, { integration: 'jasper', baseUrl: input.url, sealedCredentials, settings: { ...account.settings, ...settings } })
    await importFleet(trx, ctx.store.dialect, found, await ensurePeriod(trx, found, input.period), input.problem, 'price sheet')
  })
}
