/**
 * A tenant's price sheet and fleet from the CSV files of DESIGN.md §6 into the database; the tenant, the
 * provider (integration `files`) and the period are made when missing. The files are read and checked
 * before anything is written, and the import is one transaction.
 */
import { billingPeriod, type BillingCycle } from '../domain/index.js'
import { readFleetFiles, type FleetFiles } from '../io/index.js'
import {
  ensurePeriod,
  ensureProvider,
  ensureTenant,
  findProviderByNames,
  importFleet,
  inTransaction,
  toProviderAccount,
  updateProviderAccount,
  type ImportCounts,
} from '../store/index.js'
import type { ServiceContext } from './context.js'

export interface FleetImportInput {
  readonly tenant: string
  readonly provider: string
  /** `YYYY-MM`. */
  readonly period: string
  /** Without `sims`, only the price sheet is replaced (for a provider whose fleet comes from its carrier). */
  /** With `fleet: 'mobility'`, a Mobility price sheet (and fleet), and the provider becomes a Mobility provider. */
  readonly files: FleetFiles
  /** The provider setting; absent: as stored (false for a new provider). */
  readonly prorate?: boolean | undefined
  /** The billing cycle of a provider made by this import; an existing one keeps its own. */
  readonly newCycle: BillingCycle
}

/** @throws SimoptError `INPUT_INVALID` naming the file, line and field that is wrong; nothing is stored then. */
export async function importFleetFiles(ctx: ServiceContext, input: FleetImportInput): Promise<ImportCounts> {
  const { store } = ctx
  // The period's length comes from the provider's cycle: the stored one, or the one given for a new provider.
  const existing = await findProviderByNames(store.db, input.tenant, input.provider)
  const period = billingPeriod(input.period, existing?.cycle ?? input.newCycle)
  const prorate = input.prorate ?? existing?.settings.prorate ?? false
  const problem = await readFleetFiles(input.files, { periodDays: period.days, prorate })
  const fleet = input.files.fleet ?? 'm2m'
  return inTransaction(store, async (trx) => {
    const tenantId = await ensureTenant(trx, input.tenant)
    const row = await ensureProvider(trx, tenantId, input.provider, { ...input.newCycle, integration: 'files', settings: { prorate, fleet } })
    const provider = toProviderAccount(row)
    if (prorate !== provider.settings.prorate || fleet !== provider.settings.fleet) {
      await updateProviderAccount(trx, provider, { settings: { ...provider.settings, prorate, fleet } })
    }
    const periodRow = await ensurePeriod(trx, row, input.period)
    return importFleet(trx, store.dialect, row, periodRow, problem, input.files.sims === undefined ? 'price sheet' : 'price sheet and fleet')
  })
}
