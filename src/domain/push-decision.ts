/**
 * Go / no-go for pushing rate plan changes (DESIGN.md §4): only changes the carrier has made before the
 * period closes are billed, so a push starts only if ALL of it can end a safe margin before then, at the
 * throughput earlier pushes of the account achieved.
 */

/** Changes a minute assumed for an account that has never pushed. */
export const DEFAULT_PUSH_PER_MINUTE = 60
/** The push must end at least this long before the period does. */
export const PUSH_MARGIN_MS = 10 * 60_000

export interface PushFacts {
  readonly changes: number
  /** Measured on the account's earlier pushes; undefined when there were none. */
  readonly changesPerMinute: number | undefined
  readonly now: number
  readonly periodEndsAt: number
  /** The provider lets simopt change plans at the carrier. */
  readonly writeEnabled: boolean
}

export interface PushDecision {
  readonly go: boolean
  readonly estimatedSeconds: number
  /** When the push would end, started now. */
  readonly endsAt: number
  readonly reason: string
}

export function decidePush(facts: PushFacts): PushDecision {
  const perMinute = facts.changesPerMinute !== undefined && facts.changesPerMinute > 0 ? facts.changesPerMinute : DEFAULT_PUSH_PER_MINUTE
  const estimatedSeconds = (facts.changes / perMinute) * 60
  const endsAt = facts.now + estimatedSeconds * 1000
  const rate = `${facts.changes.toLocaleString('en-US')} changes at ${perMinute.toFixed(0)} a minute${facts.changesPerMinute === undefined ? ' (no earlier push: the default)' : ''} take ${minutes(estimatedSeconds)}`
  const decision = (go: boolean, reason: string): PushDecision => ({ go, estimatedSeconds, endsAt, reason })
  if (!facts.writeEnabled) return decision(false, 'the provider does not allow simopt to change rate plans (simopt provider set --write-enabled)')
  if (facts.changes === 0) return decision(false, 'no changes to push')
  if (facts.now >= facts.periodEndsAt) return decision(false, `the period ended at ${time(facts.periodEndsAt)}`)
  const latest = facts.periodEndsAt - PUSH_MARGIN_MS
  if (endsAt > latest) return decision(false, `${rate}: the push would end at ${time(endsAt)}, later than 10 minutes before the period ends at ${time(facts.periodEndsAt)}`)
  return decision(true, `${rate}: the push ends by ${time(endsAt)}, the period at ${time(facts.periodEndsAt)}`)
}

function minutes(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`
}

function time(at: number): string {
  return `${new Date(at).toISOString().replace('T', ' ').slice(0, 16)} UTC`
}
