/**
 * A report of an optimization held in memory (`simopt optimize`): the problem, the result and what neither
 * of them knows (who, when, how long each stage took).
 */
import { attributeChanges, planLines, type PricedAssignment, type Problem } from '../../domain/index.js'
import type { OptimizationResult } from '../../optimizer/index.js'
import type { AssignmentLine, ChangeLine, ReportSource, ReportSummary } from './report-source.js'

/** The summary's figures that come from outside the problem and the result. */
export type ReportMeta = Omit<ReportSummary, 'sims' | 'changes' | 'costBefore' | 'costAfter' | 'lowerBound' | 'baselineCost' | 'fleet'>

/**
 * Files carry projected usage only, so the usage so far is the projected usage, and SIMs have no MSISDN.
 * Every change is `planned`: nothing is pushed to a carrier from files.
 */
export function reportFromOptimization(problem: Problem, result: OptimizationResult, meta: ReportMeta): ReportSource {
  const { sims } = problem
  const { assignment, before, priced } = result
  let changes = 0
  for (let i = 0; i < sims.count; i++) if (assignment[i] !== sims.currentPlan[i]) changes++
  const planCode = (plan: number) => problem.plans[plan]!.code
  const commPlanName = (i: number) => problem.commPlans[sims.commPlan[i]!]!.name
  const mobility = problem.fleet === 'mobility'
  const cost = (pricing: PricedAssignment, i: number) => pricing.monthly[i]! + pricing.overage[i]! + pricing.sms[i]!
  const { ownSaving, poolEffect } = attributeChanges(problem, { assignment: sims.currentPlan, priced: before }, { assignment, priced })

  return {
    summary: {
      ...meta,
      sims: sims.count,
      changes,
      costBefore: before.total,
      costAfter: priced.total,
      lowerBound: result.lowerBound ?? null,
      baselineCost: result.baselineCost,
      ...(mobility ? { fleet: 'mobility' as const } : {}),
    },
    plans: planLines(problem, { assignment: problem.sims.currentPlan, priced: before }, { assignment, priced }),
    async *assignments(): AsyncIterable<AssignmentLine> {
      for (let i = 0; i < sims.count; i++) {
        yield {
          iccid: sims.iccid[i]!,
          msisdn: null,
          commPlan: commPlanName(i),
          currentPlan: planCode(sims.currentPlan[i]!),
          newPlan: planCode(assignment[i]!),
          rawUsageMb: sims.usageMb[i]!,
          usageMb: sims.usageMb[i]!,
          monthly: priced.monthly[i]!,
          overage: priced.overage[i]!,
          sms: priced.sms[i]!,
          costBefore: cost(before, i),
          costAfter: cost(priced, i),
          ...(mobility ? { smsCount: sims.sms[i]!, voiceMinutes: sims.voiceMinutes?.[i] ?? 0 } : {}),
        }
      }
    },
    async *changes(): AsyncIterable<ChangeLine> {
      for (let i = 0; i < sims.count; i++) {
        if (assignment[i] === sims.currentPlan[i]) continue
        yield {
          iccid: sims.iccid[i]!,
          msisdn: null,
          commPlan: commPlanName(i),
          oldPlan: planCode(sims.currentPlan[i]!),
          newPlan: planCode(assignment[i]!),
          costBefore: cost(before, i),
          costAfter: cost(priced, i),
          saving: ownSaving[i]! + poolEffect[i]!,
          ownSaving: ownSaving[i]!,
          poolEffect: poolEffect[i]!,
          status: 'planned',
        }
      }
    },
  }
}
