/**
 * The simulated Telegence account's business mobility plans (their SOCs are simopt's plan codes), with the
 * optimization groups and rate plan types a tenant would give them, and the price sheet as the Mobility
 * plans.csv `simopt import --fleet mobility` reads.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface CatalogPlan {
  readonly soc: string
  readonly description: string
  readonly monthly: number
  readonly includedMb: number
  readonly blockMb: number
  readonly blockPrice: number
  readonly type: 'voice+data' | 'data' | 'hotspot'
  readonly group: 'SALES' | 'FIELD'
  /** Voice minutes included, minute block and price per block; `undefined`: unlimited talk. */
  readonly voice?: readonly [number, number, number]
  /** SMS included, block and price per block; `undefined`: unlimited text. */
  readonly sms?: readonly [number, number, number]
}

export const MOBILITY_CATALOG: readonly CatalogPlan[] = [
  { soc: 'BVD2GB', description: 'Business Voice & Data 2GB', monthly: 25, includedMb: 2048, blockMb: 1024, blockPrice: 15, type: 'voice+data', group: 'SALES', voice: [450, 1, 0.25], sms: [1000, 100, 1] },
  { soc: 'BVD5GB', description: 'Business Voice & Data 5GB', monthly: 35, includedMb: 5120, blockMb: 1024, blockPrice: 15, type: 'voice+data', group: 'SALES', voice: [900, 1, 0.25], sms: [1000, 100, 1] },
  { soc: 'BVDUNLT', description: 'Business Unlimited Talk 5GB', monthly: 45, includedMb: 5120, blockMb: 1024, blockPrice: 15, type: 'voice+data', group: 'SALES' },
  { soc: 'BDATA2GB', description: 'Business Data 2GB', monthly: 15, includedMb: 2048, blockMb: 1024, blockPrice: 15, type: 'data', group: 'SALES' },
  { soc: 'BDATA10GB', description: 'Business Data 10GB', monthly: 30, includedMb: 10240, blockMb: 1024, blockPrice: 15, type: 'data', group: 'SALES' },
  { soc: 'HS10GB', description: 'Hotspot 10GB', monthly: 40, includedMb: 10240, blockMb: 1024, blockPrice: 10, type: 'hotspot', group: 'FIELD' },
  { soc: 'HS30GB', description: 'Hotspot 30GB', monthly: 70, includedMb: 30720, blockMb: 1024, blockPrice: 10, type: 'hotspot', group: 'FIELD' },
]

const HEADER = 'plan_code,monthly_rate,included_mb,overage_block_mb,overage_block_price,sms_rate,pooled,rate_plan_type,optimization_group,voice_included_min,voice_block_min,voice_block_price,sms_included,sms_block,sms_block_price'

/** Writes plans.csv (Mobility columns) to `folder`; returns its path. */
export async function writeMobilityPriceSheet(folder: string): Promise<{ plans: string }> {
  await mkdir(folder, { recursive: true })
  const rows = MOBILITY_CATALOG.map((plan) =>
    [plan.soc, plan.monthly, plan.includedMb, plan.blockMb, plan.blockPrice, 0, true, plan.type, plan.group, ...(plan.voice ?? ['', '', '']), ...(plan.sms ?? ['', '', ''])].join(','),
  )
  const plans = path.join(folder, 'plans.csv')
  await writeFile(plans, `${[HEADER, ...rows].join('\n')}\n`)
  return { plans }
}
