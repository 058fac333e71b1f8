/** A small valid set of `simopt optimize` input files, and variants of it with one thing wrong. */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

export const VALID_FILES = {
  plans: [
    'plan_code,monthly_rate,included_mb,overage_block_mb,overage_block_price,sms_rate,pooled,pool',
    'IND-5,2,5,1,0.5,0.05,false,',
    'POOL-25,6,25,1,0.2,0.04,true,',
    'FLEX-10,4,10,1,0.3,0.04,true,FLEX',
    'FLEX-50,9,50,1,0.3,0.04,true,FLEX',
  ].join('\n'),
  pools: ['pool,overage_block_mb,overage_block_price', 'FLEX,1,0.25'].join('\n'),
  commPlans: ['comm_plan,rate_plans', 'GENERAL,IND-5;POOL-25;FLEX-10;FLEX-50', 'SENSOR,IND-5;FLEX-10', 'RETIRED-APN,'].join('\n'),
  sims: [
    'iccid,usage_mb,sms,comm_plan,current_plan,days_active,auto_change',
    '8901170000000000001,3.5,2,GENERAL,POOL-25,30,true',
    '8901170000000000002,40,0,GENERAL,IND-5,30,true',
    '8901170000000000003,0,0,SENSOR,FLEX-10,12,false',
    '8901170000000000004,12,1,SENSOR,IND-5,,',
  ].join('\n'),
}

export type FixtureFiles = typeof VALID_FILES

/** Writes the files (valid unless overridden) to `folder`; returns the optimize arguments that read them. */
export async function writeFixture(folder: string, overrides: Partial<FixtureFiles> = {}): Promise<string[]> {
  await mkdir(folder, { recursive: true })
  const files = { ...VALID_FILES, ...overrides }
  const paths = {
    plans: path.join(folder, 'plans.csv'),
    pools: path.join(folder, 'pools.csv'),
    commPlans: path.join(folder, 'comm_plans.csv'),
    sims: path.join(folder, 'sims.csv'),
  }
  await Promise.all(Object.entries(paths).map(([key, file]) => writeFile(file, files[key as keyof FixtureFiles])))
  return ['--plans', paths.plans, '--pools', paths.pools, '--comm-plans', paths.commPlans, '--sims', paths.sims]
}

/** `text` with line `line` (from 1) replaced. */
export function withLine(text: string, line: number, replacement: string): string {
  const lines = text.split('\n')
  lines[line - 1] = replacement
  return lines.join('\n')
}
