/**
 * What a report is made of, whoever assembles it: `simopt optimize --xlsx` from a problem in memory, the
 * pipeline's report stage and `simopt report` from a finished session in the database. The workbook and
 * the CSV are written from this alone, so every way to a report shows the same figures the same way.
 */
import type { FleetKind, PlanLine } from '../../domain/index.js'

export interface ReportSummary {
  readonly tenant: string | null
  readonly provider: string
  /** Billing period, `YYYY-MM`; null for files optimized outside any period. */
  readonly period: string | null
  readonly sessionId: string | null
  /** Epoch ms; null when unknown (files). */
  readonly startedAt: number | null
  readonly finishedAt: number | null
  /** How long each stage took, in pipeline order. */
  readonly stages: readonly { readonly name: string; readonly seconds: number }[]
  readonly sims: number
  readonly changes: number
  readonly costBefore: number
  readonly costAfter: number
  readonly lowerBound: number | null
  /** The old system's method (`seed` strategy) on the same input. */
  readonly baselineCost: number | null
  /** End of the last complete device sync and the newest usage measurement (epoch ms); null without a carrier sync. */
  readonly devicesSyncedTill: number | null
  readonly usageMeasuredTill: number | null
  readonly generatedAt: number
  /** M2M or Mobility (the old system's two result kinds); absent: M2M. */
  readonly fleet?: FleetKind | undefined
  /** ISO 4217 code of every amount (the provider's `currency`). */
  readonly currency: string
  /** IANA zone the times are shown in (the tenant's `timeZone`). */
  readonly timeZone: string
}

/** One line of the `Plans` sheet: a rate plan, or a pool (its plans' figures summed, its own overage charge). */
export type { PlanLine } from '../../domain/index.js'

/** One SIM of the `Assignments` sheet and of the report CSV. */
export interface AssignmentLine {
  readonly iccid: string
  readonly msisdn: string | null
  readonly commPlan: string
  readonly currentPlan: string
  readonly newPlan: string
  /** Usage measured so far in the period, and projected to its end (what is priced). */
  readonly rawUsageMb: number
  readonly usageMb: number
  /** The new plan's charges. */
  readonly monthly: number
  readonly overage: number
  readonly sms: number
  readonly costBefore: number
  readonly costAfter: number
  /** Mobility rows: the SIM's SMS count and voice minutes. */
  readonly smsCount?: number | undefined
  readonly voiceMinutes?: number | undefined
}

/** One SIM whose plan changes, for the `Changes` sheet. */
export interface ChangeLine {
  readonly iccid: string
  readonly msisdn: string | null
  readonly commPlan: string
  readonly oldPlan: string
  readonly newPlan: string
  readonly costBefore: number
  readonly costAfter: number
  /** What the change saves: own saving plus pool effect (domain/change-attribution.ts); the changes add up to the saving. */
  readonly saving: number
  readonly ownSaving: number
  readonly poolEffect: number
  /** `planned` until rate plan changes are pushed (issue 7), then the change's status. */
  readonly status: string
}

export interface ReportSource {
  readonly summary: ReportSummary
  /** Plans with SIMs before or after, then pools. */
  readonly plans: readonly PlanLine[]
  /** Every SIM, in a stable order; iterated once per file written. */
  assignments(): AsyncIterable<AssignmentLine>
  changes(): AsyncIterable<ChangeLine>
}
