/** Fleets for service tests: several independent groups (one component each), written as §6 files. */
import { createProblem, type Problem } from '../../src/domain/index.js'
import { generateFleet } from '../../src/demo/index.js'
import { writeProblemFiles, type ProblemFiles } from '../../src/io/index.js'

/**
 * `groups` generated fleets side by side, each with its own plans, pools and communication plans
 * (prefixed `G1-`, `G2-`, …), so the problem falls into at least `groups` components.
 */
export function independentGroups(groups: number, simsPerGroup: number, plans: number, seed: number): Problem {
  const parts = Array.from({ length: groups }, (_, g) => generateFleet({ sims: simsPerGroup, plans, seed: seed + g, prorate: false }))
  const prefix = (g: number, name: string) => `G${g + 1}-${name}`
  let planOffset = 0
  const allPlans = []
  const poolDefinitions = []
  const commPlans = []
  const iccid: string[] = []
  const columns = { usageMb: [] as number[], sms: [] as number[], commPlan: [] as number[], currentPlan: [] as number[], daysActive: [] as number[], autoChange: [] as number[] }
  for (const [g, part] of parts.entries()) {
    allPlans.push(...part.plans.map((plan) => ({ ...plan, code: prefix(g, plan.code), pool: plan.pool === undefined ? undefined : prefix(g, plan.pool) })))
    for (const pool of part.pools) {
      if (part.plans[pool.plans[0]!]!.pool !== undefined) poolDefinitions.push({ name: prefix(g, pool.name), overageBlockMb: pool.overageBlockMb, overageBlockPrice: pool.overageBlockPrice })
    }
    const commPlanOffset = commPlans.length
    commPlans.push(...part.commPlans.map((commPlan) => ({ name: prefix(g, commPlan.name), allowedPlans: commPlan.allowedPlans.map((p) => p + planOffset) })))
    const { sims } = part
    for (let i = 0; i < sims.count; i++) {
      iccid.push(`89${String(g + 1).padStart(2, '0')}${sims.iccid[i]!.slice(4)}`)
      columns.usageMb.push(sims.usageMb[i]!)
      columns.sms.push(sims.sms[i]!)
      columns.commPlan.push(sims.commPlan[i]! + commPlanOffset)
      columns.currentPlan.push(sims.currentPlan[i]! + planOffset)
      columns.daysActive.push(sims.daysActive[i]!)
      columns.autoChange.push(sims.autoChange[i]!)
    }
    planOffset += part.plans.length
  }
  return createProblem({
    plans: allPlans,
    poolDefinitions,
    commPlans,
    sims: {
      count: iccid.length,
      iccid,
      usageMb: Float64Array.from(columns.usageMb),
      sms: Float64Array.from(columns.sms),
      commPlan: Int32Array.from(columns.commPlan),
      currentPlan: Int32Array.from(columns.currentPlan),
      daysActive: Float64Array.from(columns.daysActive),
      autoChange: Uint8Array.from(columns.autoChange),
    },
    billing: { periodDays: 30, prorate: false },
  })
}

export async function writeGroups(folder: string, groups: number, simsPerGroup: number, plans = 8, seed = 7): Promise<Required<ProblemFiles>> {
  return writeProblemFiles(folder, independentGroups(groups, simsPerGroup, plans, seed))
}
