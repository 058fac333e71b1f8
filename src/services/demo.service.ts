/**
 * `simopt demo`'s accounts: tenant `demo` (results e-mailed to a demo address unless it has recipients of its
 * own) with provider `demo`, a Jasper account, and provider `thingspace`, a Verizon ThingSpace one, each on a
 * simulator the demo runs, with that simulator's price sheet.
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
  type Credentials,
} from '../store/index.js'
import type { ServiceContext } from './context.js'

export const DEMO_TENANT = 'demo'
/** The Jasper account: the demo's first provider, named so before the demo had a second carrier. */
export const DEMO_PROVIDER = 'demo'
export const DEMO_THINGSPACE_PROVIDER = 'thingspace'

export interface DemoAccountInput {
  readonly provider: string
  readonly integration: 'jasper' | 'thingspace'
  /** The simulator's API address and its account (a ThingSpace one with its `carrierAccount`). */
  readonly credentials: Credentials & { readonly url: string }
  readonly cycle: BillingCycle
  readonly callsPerSecond: number
  readonly callsInFlight?: number
  /** Gets the results e-mail. */
  readonly recipient: string
  /** The simulator's price sheet, imported for `period`. */
  readonly problem: Problem
  readonly period: string
}

/** Makes (or points again at the simulator) one of the demo tenant's carrier accounts, and imports its price sheet. */
export async function prepareDemoAccount(ctx: ServiceContext, input: DemoAccountInput): Promise<void> {
  const { integration, credentials } = input
  const sealedCredentials = sealCredentials(secretBox(ctx.config), credentials)
  await inTransaction(ctx.store, async (trx) => {
    const tenantId = await ensureTenant(trx, DEMO_TENANT)
    // Someone to send the results to, so the demo shows the e-mail too (in the outbox folder on the defaults).
    await initTenantSettings(trx, tenantId, JSON.stringify({ emailTo: [input.recipient] }))
    const settings = { callsPerSecond: input.callsPerSecond, ...(input.callsInFlight === undefined ? {} : { callsInFlight: input.callsInFlight }) }
    const found = await ensureProvider(trx, tenantId, input.provider, { ...input.cycle, integration, settings, baseUrl: credentials.url, sealedCredentials })
    // The simulator listens on a new port each run (and older demos imported files): point the account at it.
    const account = toProviderAccount(found)
    await updateProviderAccount(trx, account, { integration, baseUrl: credentials.url, sealedCredentials, settings: { ...account.settings, ...settings } })
    await importFleet(trx, ctx.store.dialect, found, await ensurePeriod(trx, found, input.period), input.problem, 'price sheet')
  })
}
