/**
 * What the rest of simopt may use of the job pipeline: the queue and the worker, starting, cancelling and
 * restarting sessions, approving and deciding pushes, recording jobs in a transaction, and the schedule.
 * The stages, the runner and the job log are internal.
 */
export { carrierCalls } from './carrier-for.js'
export { approveAndDecide, decideInstancePush, type InstancePush } from './change-push.js'
export { job, JOB_TYPES, type Job, type JobOutcome, type JobQueue, type JobType } from './job.js'
export { recordJobs } from './job-log.js'
export { scheduleTick, STALE_CLAIM_MS, type InvalidProvider, type TickDeps, type TickOptions, type TickOutcome } from './schedule-tick.js'
export { startScheduler, type Scheduler } from './scheduler.js'
export { cancelSession, restartSession, startSession, type SessionRequest } from './sessions.js'
export { ensureDailyCleanup } from './stages/cleanup.js'
export { createQueue, newWorkerId, startWorker, type Worker } from './worker.js'
export { cacheState } from './worker-cache.js'
