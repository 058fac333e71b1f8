/**
 * A carrier that limits plan changes per SIM and month (ThingSpace: 4) refuses a fifth: such a SIM is kept
 * on its plan in the optimizer's input rather than planned to move and refused. simopt counts what it knows:
 * the changes it sent this cycle, and a refusal for want of changes left (changes made by other tools show
 * only that way).
 */
import type { Problem } from '../domain/index.js'
import { planChangesSince, type Db } from '../store/index.js'
import { carrierTraits } from './carrier-for.js'

/** Marks the problem's SIMs at their limit as not to change; returns how many. */
export async function keepSimsAtChangeLimit(db: Db, problem: Problem, provider: { readonly id: string; readonly integration: string }, cycleStart: number): Promise<number> {
  const limit = carrierTraits(provider.integration)?.planChangesPerCycle
  if (limit === undefined) return 0
  const counts = await planChangesSince(db, provider.id, cycleStart)
  if (counts.size === 0) return 0
  const { sims } = problem
  let kept = 0
  for (let i = 0; i < sims.count; i++) {
    const count = counts.get(sims.iccid[i]!)
    if (count === undefined || (!count.limitReached && count.sent < limit) || sims.autoChange[i] === 0) continue
    // The table is the problem's own, built for this session: marking it changes nothing stored.
    sims.autoChange[i] = 0
    kept++
  }
  return kept
}
