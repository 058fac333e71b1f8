/**
 * Components: SIMs and plans that interact. Two communication plans interact when they allow plans of a
 * common pool; SIMs of communication plans that do not interact can be optimized apart, in parallel.
 * A component is self-contained (typed arrays and plain data), so it can be sent to a worker thread.
 */
import { prorationFactor, type Problem, type RatePlan } from '../domain/index.js'

export interface Component {
  /** The component's plans, in local order; `planIndex[p]` is plan `p`'s index in the problem. */
  readonly plans: readonly RatePlan[]
  readonly planIndex: Int32Array
  /** Local pool of each local plan, -1 for unpooled plans. */
  readonly poolOfPlan: Int32Array
  /** Per local pool: its index in the problem and how it sells overage. */
  readonly poolIndex: Int32Array
  readonly poolBlockMb: Float64Array
  readonly poolBlockPrice: Float64Array
  /** Option sets (the distinct sets of allowed plans), CSR: plans of set `g` are `options[optionStart[g] .. optionStart[g + 1])`. */
  readonly optionStart: Int32Array
  readonly options: Int32Array
  /** Per SIM of the component: its row in the problem's SIM table, and what the cost model needs. */
  readonly simIndex: Int32Array
  readonly usageMb: Float64Array
  /** Proration factor (1 when the provider does not prorate). */
  readonly factor: Float64Array
  readonly sms: Float64Array
  /** Voice minutes (zeros for an M2M fleet). */
  readonly voiceMinutes: Float64Array
  readonly optionSet: Int32Array
  /** Local plan the SIM is on now. */
  readonly current: Int32Array
  /** 1 when the SIM must keep its plan. */
  readonly locked: Uint8Array
}

/** Splits a problem into independent components, largest first. */
export function splitComponents(problem: Problem): Component[] {
  const { commPlans, poolOfPlan, sims } = problem
  // Union-find over communication plans, joined through the pools their plans belong to.
  const parent = Int32Array.from({ length: commPlans.length }, (_, c) => c)
  const find = (c: number): number => {
    while (parent[c] !== c) c = parent[c] = parent[parent[c]!]!
    return c
  }
  const firstCommPlanOfPool = new Int32Array(problem.pools.length).fill(-1)
  for (const [c, commPlan] of commPlans.entries()) {
    for (const plan of commPlan.allowedPlans) {
      const pool = poolOfPlan[plan]!
      if (pool < 0) continue
      if (firstCommPlanOfPool[pool] === -1) firstCommPlanOfPool[pool] = c
      else parent[find(c)] = find(firstCommPlanOfPool[pool]!)
    }
  }
  const simsOfRoot = new Map<number, number[]>()
  for (let i = 0; i < sims.count; i++) {
    const root = find(sims.commPlan[i]!)
    let members = simsOfRoot.get(root)
    if (members === undefined) simsOfRoot.set(root, (members = []))
    members.push(i)
  }
  return [...simsOfRoot.values()]
    .map((members) => buildComponent(problem, members))
    .sort((a, b) => b.simIndex.length - a.simIndex.length || a.simIndex[0]! - b.simIndex[0]!)
}

function buildComponent(problem: Problem, members: readonly number[]): Component {
  const { sims, commPlans, plans, pools, billing } = problem
  const localPlan = new Map<number, number>()
  const localPool = new Map<number, number>()
  const planIndex: number[] = []
  const poolIndex: number[] = []
  const addPlan = (plan: number): number => {
    let local = localPlan.get(plan)
    if (local === undefined) {
      local = planIndex.length
      localPlan.set(plan, local)
      planIndex.push(plan)
      const pool = problem.poolOfPlan[plan]!
      if (pool >= 0 && !localPool.has(pool)) {
        localPool.set(pool, poolIndex.length)
        poolIndex.push(pool)
      }
    }
    return local
  }

  const optionSetOfCommPlan = new Map<number, number>()
  const optionSetKeys = new Map<string, number>()
  const optionLists: number[][] = []
  const n = members.length
  const simIndex = Int32Array.from(members)
  const usageMb = new Float64Array(n)
  const factor = new Float64Array(n)
  const sms = new Float64Array(n)
  const voiceMinutes = new Float64Array(n)
  const optionSet = new Int32Array(n)
  const current = new Int32Array(n)
  const locked = new Uint8Array(n)
  for (let s = 0; s < n; s++) {
    const i = members[s]!
    const commPlan = sims.commPlan[i]!
    let set = optionSetOfCommPlan.get(commPlan)
    if (set === undefined) {
      const allowed = commPlans[commPlan]!.allowedPlans.map(addPlan)
      const key = [...allowed].sort((a, b) => a - b).join(',')
      set = optionSetKeys.get(key)
      if (set === undefined) {
        set = optionLists.length
        optionSetKeys.set(key, set)
        optionLists.push(allowed)
      }
      optionSetOfCommPlan.set(commPlan, set)
    }
    usageMb[s] = sims.usageMb[i]!
    factor[s] = prorationFactor(sims.daysActive[i]!, billing)
    sms[s] = sims.sms[i]!
    if (sims.voiceMinutes !== undefined) voiceMinutes[s] = sims.voiceMinutes[i]!
    optionSet[s] = set
    current[s] = addPlan(sims.currentPlan[i]!)
    locked[s] = sims.autoChange[i] === 1 ? 0 : 1
  }

  const optionStart = new Int32Array(optionLists.length + 1)
  for (const [g, list] of optionLists.entries()) optionStart[g + 1] = optionStart[g]! + list.length
  return {
    plans: planIndex.map((plan) => plans[plan]!),
    planIndex: Int32Array.from(planIndex),
    poolOfPlan: Int32Array.from(planIndex, (plan) => {
      const pool = problem.poolOfPlan[plan]!
      return pool < 0 ? -1 : localPool.get(pool)!
    }),
    poolIndex: Int32Array.from(poolIndex),
    poolBlockMb: Float64Array.from(poolIndex, (pool) => pools[pool]!.overageBlockMb),
    poolBlockPrice: Float64Array.from(poolIndex, (pool) => pools[pool]!.overageBlockPrice),
    optionStart,
    options: Int32Array.from(optionLists.flat()),
    simIndex,
    usageMb,
    factor,
    sms,
    voiceMinutes,
    optionSet,
    current,
    locked,
  }
}

/** The SIM rows of each independent component, largest first: the units a service solves as separate jobs. */
export function componentRows(problem: Problem): Int32Array[] {
  return splitComponents(problem).map((component) => component.simIndex)
}
