import type { Problem } from '../domain/index.js'

/**
 * SIMs whose communication plans allow exactly the same rate plans: the unit the old system optimized
 * ("comm group"). Only SIMs that may change plan are listed; locked SIMs stay where they are.
 */
export interface CommGroup {
  /** Allowed rate plans (indexes into `problem.plans`), ascending by index. */
  readonly plans: readonly number[]
  /** Communication plans in the group. */
  readonly commPlans: readonly number[]
  /** Movable SIMs (rows of the SIM table), ascending. */
  readonly sims: Int32Array
}

export function commGroups(problem: Problem): CommGroup[] {
  const { commPlans, sims } = problem
  const groupOfCommPlan = new Int32Array(commPlans.length)
  const keys = new Map<string, number>()
  const groups: { plans: number[]; commPlans: number[]; size: number }[] = []
  for (const [c, commPlan] of commPlans.entries()) {
    const plans = [...commPlan.allowedPlans].sort((a, b) => a - b)
    const key = plans.join(',')
    let group = keys.get(key)
    if (group === undefined) {
      group = groups.length
      keys.set(key, group)
      groups.push({ plans, commPlans: [], size: 0 })
    }
    groups[group]!.commPlans.push(c)
    groupOfCommPlan[c] = group
  }
  for (let i = 0; i < sims.count; i++) {
    if (sims.autoChange[i] === 1) groups[groupOfCommPlan[sims.commPlan[i]!]!]!.size++
  }
  const members = groups.map((group) => new Int32Array(group.size))
  const filled = new Int32Array(groups.length)
  for (let i = 0; i < sims.count; i++) {
    if (sims.autoChange[i] !== 1) continue
    const group = groupOfCommPlan[sims.commPlan[i]!]!
    members[group]![filled[group]!++] = i
  }
  return groups
    .map((group, index) => ({ plans: group.plans, commPlans: group.commPlans, sims: members[index]! }))
    .filter((group) => group.sims.length > 0)
}
