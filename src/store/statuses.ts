/**
 * The statuses stored rows go through: each set once, as an array that validates input, with its union type
 * derived from it. The tables (`schema.ts`) are typed with these unions. (Changes' statuses live with their
 * repository, `changes.ts`.)
 */

/** A session's and its instances' statuses (DESIGN.md §4), in the order a session goes through them. */
export const SESSION_STATUSES = ['pending', 'syncing', 'optimizing', 'finalizing', 'done', 'failed', 'cancelled'] as const
export type SessionStatus = (typeof SESSION_STATUSES)[number]
/** An instance moves with its session (one instance per provider and period). */
export type InstanceStatus = SessionStatus
export const FINISHED_STATUSES: readonly SessionStatus[] = ['done', 'failed', 'cancelled']

export function isFinished(status: SessionStatus): boolean {
  return FINISHED_STATUSES.includes(status)
}

/** A component waits for its optimize job, then is done (its snapshot emptied). */
export const COMPONENT_STATUSES = ['pending', 'done'] as const
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number]

/** A job of the `jobs` table: waiting (`queued`, perhaps for a retry), held by a worker, or ended. */
export const JOB_STATUSES = ['queued', 'active', 'done', 'failed'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

/** An outbox message: waiting or retried, delivered, given up, or without a recipient configured. */
export const MESSAGE_STATUSES = ['pending', 'sent', 'failed', 'unaddressed'] as const
export type MessageStatus = (typeof MESSAGE_STATUSES)[number]

/** What a state transition is about. */
export const TRANSITION_ENTITIES = ['session', 'instance'] as const
export type TransitionEntity = (typeof TRANSITION_ENTITIES)[number]

/** An instance's go / no-go for pushing its changes; `awaiting-approval` is a go that waits for an operator. */
export const PUSH_VERDICTS = ['go', 'no-go', 'awaiting-approval'] as const
export type PushVerdict = (typeof PUSH_VERDICTS)[number]
