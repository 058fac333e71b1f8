/**
 * A carrier that limits plan changes per SIM and month (ThingSpace: 4) refuses a fifth, and one that refuses
 * changes while a SIM is suspended refuses those: such SIMs are kept on their plans in the optimizer's input
 * rather than planned to move and refused. simopt counts what it knows: the changes it sent this cycle, and a
 * refusal for want of changes left (changes made by other tools show only that way).
 */
import type { Problem } from '../domain/index.js'
import { devicesInStatus, planChangesSince, type Db } from '../store/index.js'
import { carrierTraits } from './carrier-for.js'

/** Suspended, in simopt's statuses (ThingSpace's `suspend`). */
const SUSPENDED = ['DEACTIVATED']

/** Marks the problem's SIMs the carrier would refuse to change as not to change; returns how many. */
export async function keepSimsTheCarrierWouldRefuse(db: Db, problem: Problem, provider: { readonly id: string; readonly integration: string }, cycleStart: number): Promise<number> {
  const traits = carrierTraits(provider.integration)
  if (traits === undefined) return 0
  const limit = traits.planChangesPerCycle
  const counts = limit === undefined ? new Map<string, { readonly sent: number; readonly limitReached: boolean }>() : await planChangesSince(db, provider.id, cycleStart)
  const suspended = traits.refusesWhileSuspended ? await devicesInStatus(db, provider.id, SUSPENDED) : new Set<string>()
  if (counts.size === 0 && suspended.size === 0) return 0
  const { sims } = problem
  let kept = 0
  for (let i = 0; i < sims.count; i++) {
    const iccid = sims.iccid[i]!
    const count = counts.get(iccid)
    const atLimit = count !== undefined && limit !== undefined && (count.limitReached || count.sent >= limit)
    if ((!atLimit && !suspended.has(iccid)) || sims.autoChange[i] === 0) continue
    // The table is the problem's own, built for this session: marking it changes nothing stored.
    sims.autoChange[i] = 0
    kept++
  }
  return kept
}
