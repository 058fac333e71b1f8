/**
 * Device sync: every device the carrier changed since the last complete sync, page by page, into the
 * database. The window's end is pinned when the crawl begins, and the pages are read from the last one
 * down: a device changed while the crawl runs leaves the window, which shifts only the pages after it,
 * already read, so no device is skipped (one may be read twice, which changes nothing); the device that
 * changed is read by a last crawl of the time the crawl took, whose end the next sync starts from. The list
 * names four fields only; each device it lists (new, or changed in a way the list may not show, such as its
 * MSISDN) is read in full from its details. Each job makes at most `SIMOPT_MAX_PAGES_PER_JOB` calls (at least
 * one page) and commits them with where it stopped, so a killed worker costs at most those calls. A carrier
 * that lists by cursor (ThingSpace; Telegence, BAN by BAN) has no window: its crawl reads the whole account,
 * page by page in full.
 */
import { isCarrierError, type Carrier, type ChangeWindow, type DeviceListing, type ListedDevice } from '../../carriers/index.js'
import { advanceSync, findSync, instanceScope, startSync, upsertDevices, type SyncedDevice, type SyncRow } from '../../store/index.js'
import { carrierCalls, carrierFor } from '../carrier-for.js'
import { job } from '../job.js'
import { percentOfSession, reportProgressPast } from '../session-progress.js'
import type { Stage } from '../stage.js'
import { sessionOfInstance } from './session-of.js'

/** Jasper refuses `modifiedSince` more than a year back: a first sync asks for the last 364 days. */
const FIRST_WINDOW_MS = 364 * 86_400_000

export const syncDevices: Stage = {
  type: 'sync-devices',
  sessionOf: sessionOfInstance,
  async run(instanceId, { store, config, commit }) {
    const { provider, sessionId } = await instanceScope(store.db, instanceId)
    const carrier = carrierFor(provider, config, store.db)
    const callsBefore = carrierCalls(provider.id)
    const now = Date.now()
    const existing = await findSync(store.db, instanceId)
    const window: ChangeWindow = existing === undefined ? { since: provider.devices_synced_till ?? now - FIRST_WINDOW_MS, till: now } : { since: existing.windowSince, till: existing.windowTill }
    const { listing } = carrier
    const crawl =
      listing.kind === 'changed-pages'
        ? await crawlChangedPages(carrier, listing.page, window, existing, config.maxPagesPerJob)
        : await crawlByCursor(listing.page, window, existing, config.maxPagesPerJob)
    const { pages, done } = crawl
    const callsAfter = carrierCalls(provider.id)

    await commit(async (trx) => {
      let added = 0
      let updated = 0
      let commPlansAdded = 0
      for (const devices of pages) {
        const written = await upsertDevices(trx, provider.id, devices, now)
        added += written.added
        updated += written.updated
        commPlansAdded += written.commPlansAdded
      }
      const counts = { devicesSeen: pages.reduce((sum, devices) => sum + devices.length, 0), devicesAdded: added, devicesUpdated: updated, commPlansAdded, calls: callsAfter.calls - callsBefore.calls, errors: callsAfter.errors - callsBefore.errors }
      const stage = done ? 'usage' : 'devices'
      const percentBefore = await percentOfSession(trx, sessionId)
      if (existing === undefined) await startSync(trx, { instanceId, stage, windowSince: window.since, windowTill: crawl.till, lastPage: crawl.last, nextPage: crawl.next, startedAt: now }, counts)
      else await advanceSync(trx, instanceId, { stage, nextPage: crawl.next, windowTill: crawl.till }, counts)
      return [done ? job('sync-usage', instanceId, 'start') : job('sync-devices', instanceId, crawl.next), ...(await reportProgressPast(trx, config, sessionId, percentBefore))]
    })
  },
}

/** What one job of a crawl read, and where the next job goes on from (`next`: a page number or a cursor). */
interface Crawl {
  readonly pages: (readonly SyncedDevice[])[]
  readonly done: boolean
  readonly last: number
  readonly next: number
  /** The window's end as far as this crawl has read it. */
  readonly till: number
}

/** Numbered pages of the devices changed in the window, from the last page down, then a short catch-up crawl. */
async function crawlChangedPages(carrier: Carrier, list: ListChanged, window: ChangeWindow, existing: SyncRow | undefined, maxCalls: number): Promise<Crawl> {
  const last = existing?.lastPage ?? (await lastPage(list, window))
  let page = existing?.nextPage ?? last
  const pages: (readonly SyncedDevice[])[] = []
  for (let calls = 0; page > 0 && calls < maxCalls; page--) {
    const listed = (await list(window, page)).devices
    pages.push(await withDetails(carrier, listed))
    calls += 1 + listed.length
  }
  // Devices changed while the crawl ran left its window: a last, short crawl of the time since catches them.
  let till = window.till
  if (page === 0) {
    const catchUp = { since: window.till, till: Date.now() }
    for (let next = 1; ; next++) {
      const answer = await list(catchUp, next)
      pages.push(await withDetails(carrier, answer.devices))
      if (answer.lastPage || answer.devices.length === 0) break
    }
    till = catchUp.till
  }
  return { pages, done: page === 0, last, next: page, till }
}

/**
 * The whole account by cursor (a carrier without a change window): every page already holds each device in
 * full, so a page is one call. The cursor is kept where a numbered crawl keeps its next page; `last` is 0.
 */
async function crawlByCursor(list: ListByCursor, window: ChangeWindow, existing: SyncRow | undefined, maxCalls: number): Promise<Crawl> {
  let cursor = existing?.nextPage ?? undefined
  const pages: (readonly SyncedDevice[])[] = []
  let done = false
  for (let calls = 0; calls < maxCalls && !done; calls++) {
    const answer = await list(cursor)
    pages.push(answer.devices.map(({ iccid, status, ratePlan, commPlan, msisdn, activatedAt }) => ({ iccid, status, ratePlan, commPlan, msisdn, activatedAt })))
    if (answer.next === undefined) done = true
    else cursor = answer.next
  }
  return { pages, done, last: 0, next: done ? 0 : (cursor ?? 0), till: window.till }
}

type ListChanged = Extract<DeviceListing, { kind: 'changed-pages' }>['page']
type ListByCursor = Extract<DeviceListing, { kind: 'cursor' }>['page']

/**
 * The listed devices as their details have them: MSISDN and activation date, which the list does not carry,
 * and status and plans as of now. A device gone from the account since the list was served is kept as
 * listed (its usage read will say so).
 */
async function withDetails(carrier: Carrier, devices: readonly ListedDevice[]): Promise<SyncedDevice[]> {
  const detailed: SyncedDevice[] = []
  for (const device of devices) {
    try {
      const details = await carrier.deviceDetails(device.iccid)
      detailed.push({ iccid: device.iccid, status: details.status, ratePlan: details.ratePlan, commPlan: details.commPlan, msisdn: details.msisdn, activatedAt: details.activatedAt })
    } catch (error) {
      if (!(isCarrierError(error) && error.kind === 'not-found')) throw error
      detailed.push(device)
    }
  }
  return detailed
}

/**
 * The number of the last page of the window: doubling, then halving, on whether a page has devices
 * (2·log2(pages) calls: 30 for a million devices).
 */
async function lastPage(list: ListChanged, window: ChangeWindow): Promise<number> {
  const first = await list(window, 1)
  if (first.lastPage || first.devices.length === 0) return 1
  let low = 1
  let high = 2
  for (;;) {
    const answer = await list(window, high)
    if (answer.devices.length === 0) break
    if (answer.lastPage) return high
    low = high
    high *= 2
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    const answer = await list(window, middle)
    if (answer.devices.length === 0) high = middle
    else if (answer.lastPage) return middle
    else low = middle
  }
  return low
}
