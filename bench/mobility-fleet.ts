/**
 * Issue 21's optimizer figure for Mobility fleets: a synthetic business mobility fleet (four optimization
 * groups of 6 to 10 plans over three rate plan types, voice and SMS bundles, two plans in no group) written
 * as the files of `simopt optimize --fleet mobility`, then read and optimized as that command does it:
 * seconds to read the files, seconds to optimize, the gap to the proven bound, and the old method's cost.
 *
 * `npm run bench -- --sections mobility [--sims 100000]`, or alone:
 * `node dist/bench/mobility-fleet.js [--sims 100000] [--seed 21]`
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Random } from '../src/demo/random.js'
import { optimizeFiles } from '../src/services/reports.service.js'

interface PlanSpec {
  readonly code: string
  readonly type: 'voice+data' | 'data' | 'hotspot'
  readonly group: string | null
  readonly gb: number
  readonly rate: number
  /** Voice minutes included, blocks of 1 minute at 0.25; null: unlimited (not billed). */
  readonly voice: number | null
  /** SMS included, blocks of 100 at 1; null: unlimited. */
  readonly sms: number | null
}

const GROUP_BLOCK_PRICE: Record<string, number> = { SALES: 15, FIELD: 10, EXEC: 15, TABLETS: 12 }

function catalogue(): PlanSpec[] {
  const plans: PlanSpec[] = []
  const ladder = (group: string | null, type: PlanSpec['type'], gbs: readonly number[], base: number, perGb: number, voice: (gb: number) => number | null, sms: (gb: number) => number | null) => {
    for (const gb of gbs) plans.push({ code: `${group ?? 'SOLO'}-${type === 'voice+data' ? 'VD' : type === 'data' ? 'D' : 'HS'}-${gb}GB`, type, group, gb, rate: Math.round((base + perGb * gb ** 0.8) * 100) / 100, voice: voice(gb), sms: sms(gb) })
  }
  ladder('SALES', 'voice+data', [1, 2, 5, 10, 15, 25], 15, 4, (gb) => (gb >= 10 ? null : gb >= 5 ? 900 : 450), (gb) => (gb >= 5 ? null : 1000))
  ladder('SALES', 'data', [2, 5, 10, 20], 10, 3, () => null, () => null)
  ladder('FIELD', 'hotspot', [5, 10, 20, 30, 50], 20, 2.5, () => null, () => null)
  ladder('FIELD', 'voice+data', [2, 5, 10, 20, 40], 18, 3.5, (gb) => (gb >= 10 ? null : 600), () => null)
  ladder('EXEC', 'voice+data', [3, 5, 8, 12, 16, 24, 32, 50], 25, 4.5, (gb) => (gb >= 12 ? null : 1500), (gb) => (gb >= 12 ? null : 2000))
  ladder('TABLETS', 'data', [1, 2, 4, 6, 8, 12], 8, 3, () => null, () => null)
  ladder(null, 'data', [1, 3], 12, 5, () => null, () => null)
  return plans
}

function plansCsv(plans: readonly PlanSpec[]): string {
  const header = 'plan_code,monthly_rate,included_mb,overage_block_mb,overage_block_price,sms_rate,pooled,rate_plan_type,optimization_group,voice_included_min,voice_block_min,voice_block_price,sms_included,sms_block,sms_block_price'
  const lines = plans.map((plan) => {
    const voice = plan.voice === null ? ',,' : `${plan.voice},1,0.25`
    const sms = plan.sms === null ? ',,' : `${plan.sms},100,1`
    const price = plan.group === null ? 20 : GROUP_BLOCK_PRICE[plan.group]!
    return `${plan.code},${plan.rate},${plan.gb * 1024},1024,${price},0,${plan.group === null ? 'false' : 'true'},${plan.type},${plan.group ?? ''},${voice},${sms}`
  })
  return `${[header, ...lines].join('\n')}\n`
}

function simsCsv(plans: readonly PlanSpec[], count: number, random: Random): string {
  const lines = ['iccid,usage_mb,sms,voice_min,current_plan,auto_change']
  for (let i = 0; i < count; i++) {
    const plan = plans[random.int(0, plans.length - 1)]!
    // Usage around a plan a size or two off the one it is on: what makes a fleet worth optimizing.
    const usage = random.chance(0.08) ? 0 : Math.round(random.logNormal(plan.gb * 1024 * 0.6, 1.1) * 1000) / 1000
    const voice = plan.type === 'voice+data' ? Math.round(random.logNormal(500, 0.9)) : 0
    const sms = plan.type === 'hotspot' ? 0 : Math.round(random.logNormal(plan.type === 'data' ? 5 : 600, 1))
    lines.push(`89014104${String(i).padStart(11, '0')},${usage},${sms},${voice},${plan.code},${random.chance(0.98)}`)
  }
  return `${lines.join('\n')}\n`
}

export const MOBILITY_FLEET_SIMS = 100_000

export interface MobilityFleetFigures {
  readonly sims: number
  readonly plans: number
  readonly groups: number
  readonly readSeconds: number
  readonly optimizeSeconds: number
  readonly costBefore: number
  readonly costAfter: number
  readonly lowerBound: number | null
  readonly gapPct: number | null
  readonly oldMethodCost: number
  readonly changes: number
}

export async function mobilityFleetRun(sims: number, seed = 21): Promise<MobilityFleetFigures> {
  const folder = await mkdtemp(path.join(tmpdir(), 'simopt-mobility-'))
  try {
    const plans = catalogue()
    const files = { fleet: 'mobility' as const, plans: path.join(folder, 'plans.csv'), sims: path.join(folder, 'sims.csv') }
    await writeFile(files.plans, plansCsv(plans))
    await writeFile(files.sims, simsCsv(plans, sims, new Random(seed)))
    const run = await optimizeFiles(files, { periodDays: 30, prorate: false })
    const { summary } = run
    return {
      sims: summary.sims,
      plans: summary.plans,
      groups: run.problem.pools.length,
      readSeconds: (run.readAt - run.startedAt) / 1000,
      optimizeSeconds: (run.finishedAt - run.readAt) / 1000,
      costBefore: summary.costBefore,
      costAfter: summary.costAfter,
      lowerBound: summary.lowerBound ?? null,
      gapPct: summary.gapPct ?? null,
      oldMethodCost: summary.baselineCost,
      changes: summary.changes,
    }
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

export function printMobilityFleetRun(figures: MobilityFleetFigures): void {
  console.log('\n## Mobility fleet (issue 21): simopt optimize --fleet mobility, files to result\n')
  const rows: [string, string][] = [
    ['subscribers', figures.sims.toLocaleString('en-US')],
    ['plans (groups)', `${figures.plans} (${figures.groups})`],
    ['read files (s)', figures.readSeconds.toFixed(2)],
    ['optimize (s)', figures.optimizeSeconds.toFixed(2)],
    ['cost before', figures.costBefore.toFixed(2)],
    ['cost after', figures.costAfter.toFixed(2)],
    ['lower bound', figures.lowerBound?.toFixed(2) ?? 'n/a'],
    ['gap (%)', figures.gapPct?.toFixed(4) ?? 'n/a'],
    ['old method', figures.oldMethodCost.toFixed(2)],
    ['changes', figures.changes.toLocaleString('en-US')],
  ]
  console.log('| figure | value |\n|---|---|')
  for (const [label, figure] of rows) console.log(`| ${label} | ${figure} |`)
}

if (import.meta.filename === process.argv[1]) {
  const value = (name: string) => {
    const at = process.argv.indexOf(name)
    return at < 0 ? undefined : process.argv[at + 1]
  }
  printMobilityFleetRun(await mobilityFleetRun(Number(value('--sims') ?? MOBILITY_FLEET_SIMS), Number(value('--seed') ?? 21)))
}
