/**
 * Which sessions a caller reaches, shared by the session, change and report services. An API key of a
 * tenant reaches that tenant's sessions only, a service-wide key every tenant's; the command line (no
 * scope) reaches all. A session out of reach answers exactly as one that does not exist.
 */
import { SimoptError } from '../domain/index.js'
import { firstInstanceOf, sessionAccess, type SessionAccess, type SessionInstanceRow } from '../store/index.js'
import type { ServiceContext } from './context.js'
import type { TenantScope as TenantAccessScope } from './tenant-access.js'

/** The caller's tenant (`tenantId`), or null for a service-wide key; an API `Caller` is one as it is. */
export type TenantScope = Pick<TenantAccessScope, 'tenantId'>

/**
 * The session, if the caller reaches it.
 * @throws SimoptError `SESSION_NOT_FOUND`.
 */
export async function reachableSession(ctx: ServiceContext, sessionId: string, scope?: TenantScope): Promise<SessionAccess> {
  const session = await sessionAccess(ctx.store.db, sessionId)
  const outOfReach = scope !== undefined && scope.tenantId !== null && scope.tenantId !== session?.tenantId
  if (session === undefined || outOfReach) throw sessionNotFound(sessionId, scope)
  return session
}

/** The API says "not found" of everything it does not show (`api/http-error.ts`); the command line, which sees all, says it does not exist. */
export function sessionNotFound(sessionId: string, scope: TenantScope | undefined): SimoptError {
  return new SimoptError('SESSION_NOT_FOUND', scope === undefined ? `session ${sessionId} does not exist` : `session ${sessionId} not found`)
}

/** What the caller wanted of the session, for the message when it has no result yet: "its results exist". */
export type ResultPart = 'its results exist' | 'its changes exist' | 'its report exists'

/**
 * The session's instance, once the session is done and the instance has its result.
 * @throws SimoptError `SESSION_NOT_FOUND`, or `STATE_CONFLICT` while it has no result.
 */
export async function finishedInstance(ctx: ServiceContext, sessionId: string, part: ResultPart, scope?: TenantScope): Promise<SessionInstanceRow> {
  const session = await reachableSession(ctx, sessionId, scope)
  const instance = await firstInstanceOf(ctx.store.db, session.id)
  if (instance === undefined || instance.cost_after === null || session.status !== 'done') {
    throw new SimoptError('STATE_CONFLICT', `session ${sessionId} is ${session.status}; ${part} once it is done`)
  }
  return instance
}
