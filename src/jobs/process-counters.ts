/**
 * What this process has done since it started, counted in memory for `/metrics` (`jobs/metrics.ts` reads it
 * when scraped): job deliveries by outcome, components optimized, rate plan changes tried at the carrier, messages delivered. Plain
 * numbers, not prom-client: the job runner is loaded by every command, prom-client only by those that serve.
 */

export type JobOutcomeKind = 'done' | 'retry' | 'failed'
export type PushOutcome = 'accepted' | 'refused' | 'skipped' | 'already-in-place' | 'no-answer'
export type DeliveryOutcome = 'sent' | 'failed'

/** Counts by their labels, joined with a character no label has. */
type Tally = Map<string, number>

const jobs: Tally = new Map()
const pushes: Tally = new Map()
const deliveries: Tally = new Map()
const optimizerRuns: Tally = new Map()
const SEPARATOR = '\u0000'

function add(tally: Tally, ...labels: string[]): void {
  const key = labels.join(SEPARATOR)
  tally.set(key, (tally.get(key) ?? 0) + 1)
}

function read(tally: Tally): { labels: string[]; count: number }[] {
  return [...tally].map(([key, count]) => ({ labels: key.split(SEPARATOR), count }))
}

/** One delivery of a job ended: done, failed to be retried later, or failed for good. */
export function countJob(type: string, outcome: JobOutcomeKind): void {
  add(jobs, type, outcome)
}

/** One rate plan change, by what the push did with it. */
export function countPush(outcome: PushOutcome): void {
  add(pushes, outcome)
}

/** One component optimized and stored, by the optimizer's status. */
export function countOptimizerRun(status: string): void {
  add(optimizerRuns, status)
}

/** One try at sending an e-mail or a webhook. */
export function countDelivery(channel: string, outcome: DeliveryOutcome): void {
  add(deliveries, channel, outcome)
}

export function jobCounts(): { type: string; outcome: string; count: number }[] {
  return read(jobs).map(({ labels: [type, outcome], count }) => ({ type: type!, outcome: outcome!, count }))
}

export function pushCounts(): { outcome: string; count: number }[] {
  return read(pushes).map(({ labels: [outcome], count }) => ({ outcome: outcome!, count }))
}

export function deliveryCounts(): { channel: string; outcome: string; count: number }[] {
  return read(deliveries).map(({ labels: [channel, outcome], count }) => ({ channel: channel!, outcome: outcome!, count }))
}

export function optimizerRunCounts(): { status: string; count: number }[] {
  return read(optimizerRuns).map(({ labels: [status], count }) => ({ status: status!, count }))
}
