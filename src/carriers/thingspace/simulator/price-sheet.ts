/** The price sheet of a simulated ThingSpace account, as simopt files, so that simopt can price what it syncs. */
import { writeFile } from 'node:fs/promises'
import { writeProblemFiles, type ProblemFiles } from '../../../io/index.js'
import type { SimulatedAccount } from './simulated-account.js'

/**
 * plans.csv and pools.csv are the generator's; comm_plans.csv has one communication plan, named after the
 * account (ThingSpace has none: simopt gives every device the account's name), allowing every plan.
 */
export async function writeThingSpacePriceSheet(folder: string, account: SimulatedAccount): Promise<Required<ProblemFiles>> {
  const files = await writeProblemFiles(folder, account.problem)
  await writeFile(files.commPlans, `comm_plan,rate_plans\n${account.accountName},${account.servicePlans.join(';')}\n`)
  return files
}
