/**
 * Usage sync of a provider whose carrier drops usage report files on SFTP (Telegence): the files of the
 * provider's FAN from the last `refetchDays` days not downloaded yet, oldest first, each loaded and recorded
 * in one transaction, so that a file is downloaded and loaded once (a file a sync missed is fetched by a
 * later one, within the window). Each line goes to the billing period of the bill cycle it names (around a
 * rollover a file holds two; a file is loaded once, whichever period's session downloads it). Data goes to
 * the readings the optimizer prices, voice minutes and SMS beside them. A final monthly file of another period than the one synced (a closed one) is recorded and
 * refused, never loaded. A feed whose newest file is older than `staleHours` is reported by e-mail once per
 * stale spell; the session goes on with the usage it has.
 */
import type { Config } from '../../config.js'
import { feedText, parseFeedCsv } from '../../carriers/telegence/index.js'
import { planDownloads, type PlannedFile } from '../../carriers/telegence/feed/feed-plan.js'
import { feedReadings, linesByCycle, periodStartingOn } from '../../carriers/telegence/feed/feed-readings.js'
import { parseSftpUrl } from '../../carriers/telegence/feed/sftp-address.js'
import { withSftpFolder, type SftpFolder, type SftpLogin } from '../../carriers/telegence/feed/sftp-folder.js'
import { billingPeriod, isSimoptError, SimoptError, type BillingCycle } from '../../domain/index.js'
import {
  advanceSync,
  countDevicesRead,
  downloadedFeedFiles,
  ensurePeriod,
  feedWarning,
  inChunks,
  openCredentials,
  parseProviderSettings,
  providerIccids,
  readingsMeasuredAt,
  recordFeedFile,
  recordFeedWarning,
  secretBox,
  upsertUsage,
  upsertVoiceSmsUsage,
  type FeedFileRecord,
  type PeriodRow,
  type ProviderRow,
  type Store,
  type SyncRow,
  type Trx,
} from '../../store/index.js'
import type { Job } from '../job.js'
import { queueEmail } from '../queue-message.js'
import { percentOfSession, reportProgressPast, sessionFacts } from '../session-progress.js'
import type { StageContext } from '../stage.js'
import { usageSyncDone } from './usage-sync-done.js'

const HOUR_MS = 3_600_000

export interface FeedScope {
  readonly instanceId: string
  readonly sessionId: string
  readonly provider: ProviderRow
  readonly period: PeriodRow
  readonly sync: SyncRow
}

/** What one feed sync did, for its summary and its tests. */
export interface FeedSyncOutcome {
  readonly downloaded: readonly { readonly name: string; readonly outcome: FeedFileRecord['outcome']; readonly missed: boolean; readonly loaded: number }[]
  readonly tooOld: number
  readonly stale: boolean
}

export async function syncUsageFeed(context: Pick<StageContext, 'store' | 'config' | 'commit'>, scope: FeedScope): Promise<void> {
  const { store, config, commit } = context
  const { instanceId, sessionId, provider, sync } = scope
  const outcome = await loadNewFeedFiles(store, config, scope)
  await commit(async (trx): Promise<Job[]> => {
    const stale = outcome.staleNotice === undefined ? [] : await warnStale(trx, config, scope, outcome.staleNotice)
    const usageRows = await countDevicesRead(trx, provider.id, scope.period.id, sync.startedAt)
    const percentBefore = await percentOfSession(trx, sessionId)
    await advanceSync(trx, instanceId, { stage: 'done', usageRows, finishedAt: Date.now() }, { calls: outcome.downloaded.length + 1, errors: 0 })
    return [...stale, ...(await usageSyncDone(trx, config, { instanceId, sessionId, providerId: provider.id, windowTill: sync.windowTill })), ...(await reportProgressPast(trx, config, sessionId, percentBefore))]
  })
}

interface StaleNotice {
  readonly folder: string
  readonly newestFile: string | null
  readonly newestAsOf: number | null
  readonly staleHours: number
}

/**
 * Downloads and loads the files due (each in a transaction of its own with its record); says whether the
 * feed is stale. Exported for the bench, which times it alone.
 */
export async function loadNewFeedFiles(store: Store, config: Config, scope: Pick<FeedScope, 'provider' | 'period'>, now = Date.now()): Promise<FeedSyncOutcome & { staleNotice: StaleNotice | undefined }> {
  const { provider, period } = scope
  const { login, fan, feed } = feedAccess(provider, config)
  const cycle = { timeZone: provider.time_zone, cycleEndDay: provider.cycle_end_day, cycleEndHour: provider.cycle_end_hour }
  const downloadedBefore = await downloadedFeedFiles(store.db, provider.id)
  return withSftpFolder(login, async (folder) => {
    const plan = planDownloads({ files: await folder.list(), fan, downloaded: downloadedBefore, now, refetchDays: feed.refetchDays, periodEnd: (name) => billingPeriod(name, cycle).end })
    const knownIccids = await providerIccids(store.db, provider.id)
    const downloaded: FeedSyncOutcome['downloaded'][number][] = []
    for (const planned of plan.download) {
      const record = await loadFile(store, folder, planned, { period, provider, cycle, knownIccids, providerId: provider.id })
      downloaded.push({ name: planned.file.name, outcome: record.outcome, missed: planned.missed, loaded: record.loaded })
    }
    const newestAsOf = plan.newestInFolder ?? null
    const stale = newestAsOf === null || now - newestAsOf > feed.staleHours * HOUR_MS
    const staleNotice = stale ? { folder: feed.sftpUrl, newestFile: plan.newestName ?? null, newestAsOf, staleHours: feed.staleHours } : undefined
    return { downloaded, tooOld: plan.tooOld, stale, staleNotice }
  })
}

interface LoadTarget {
  /** The period being synced. */
  readonly period: PeriodRow
  readonly provider: ProviderRow
  readonly cycle: BillingCycle
  readonly knownIccids: ReadonlySet<string>
  readonly providerId: string
}

async function loadFile(store: Store, folder: SftpFolder, planned: PlannedFile, target: LoadTarget): Promise<FeedFileRecord> {
  const { file, parsed, asOf } = planned
  const bytes = await folder.read(file.name)
  const base = { name: file.name, kind: parsed.kind, as_of: asOf, size: bytes.length, downloaded_at: Date.now() }
  if (parsed.kind === 'final' && parsed.period !== target.period.name) {
    // A closed period's totals are not this period's usage.
    const record: FeedFileRecord = { ...base, outcome: 'refused', lines: 0, loaded: 0, note: `final file of period ${parsed.period}, not of ${target.period.name} being synced: not loaded` }
    await recordFeedFile(store.db, target.providerId, record)
    return record
  }
  let lines
  try {
    lines = parseFeedCsv(await feedText(file.name, bytes), file.name)
  } catch (error) {
    // A file that cannot be read is recorded with why: trying it at every sync would fail every sync.
    if (!isSimoptError(error) || error.code !== 'INPUT_INVALID') throw error
    const record: FeedFileRecord = { ...base, outcome: 'refused', lines: 0, loaded: 0, note: error.message }
    await recordFeedFile(store.db, target.providerId, record)
    return record
  }
  const cycles = linesByCycle(lines)
  return store.db.transaction().execute(async (trx) => {
    let loaded = 0
    let superseded = 0
    let unknownSims = 0
    let withoutPeriod = 0
    const otherPeriods: string[] = []
    // Lines count usage of the cycle they name: around a rollover a file holds two, each its period's.
    for (const [start, cycleLines] of cycles) {
      const bounds = periodStartingOn(start, target.cycle)
      if (bounds === undefined) {
        withoutPeriod += cycleLines.length
        continue
      }
      const periodId = bounds.name === target.period.name ? target.period.id : (await ensurePeriod(trx, target.provider, bounds.name)).id
      if (periodId !== target.period.id) otherPeriods.push(bounds.name)
      const measuredAt = await readingsMeasuredAt(trx, periodId, [...new Set(cycleLines.map((line) => line.iccid))])
      const readings = feedReadings({ lines: cycleLines, asOf, billCycleStart: start, knownIccids: target.knownIccids, measuredAt })
      for (const chunk of inChunks(readings.data)) await upsertUsage(trx, periodId, chunk)
      for (const chunk of inChunks(readings.voiceSms)) await upsertVoiceSmsUsage(trx, periodId, chunk)
      loaded += readings.data.length
      superseded += readings.superseded
      unknownSims += readings.unknownSims
    }
    const notes = [
      ...(otherPeriods.length > 0 ? [`lines of period ${otherPeriods.sort().join(', ')} loaded into it`] : []),
      ...(withoutPeriod > 0 ? [`left out ${withoutPeriod} lines whose bill_cycle_start no billing period of the provider starts on`] : []),
      ...(unknownSims > 0 ? [`left out ${unknownSims} lines of SIMs not synced`] : []),
      ...(superseded > 0 ? [`left out ${superseded} lines older than the readings stored`] : []),
    ]
    const record: FeedFileRecord = { ...base, outcome: loaded === 0 && superseded > 0 ? 'superseded' : 'loaded', lines: lines.length, loaded, note: notes.length === 0 ? null : notes.join('; ') }
    await recordFeedFile(trx, target.providerId, record)
    return record
  })
}

/** One e-mail per stale spell: a warning for the same newest file is not sent again. */
async function warnStale(trx: Trx, config: Config, scope: FeedScope, notice: StaleNotice): Promise<Job[]> {
  const newest = notice.newestAsOf ?? 0
  const last = await feedWarning(trx, scope.provider.id)
  if (last !== undefined && last.newestAsOf === newest) return []
  await recordFeedWarning(trx, scope.provider.id, newest, Date.now())
  const facts = await sessionFacts(trx, scope.sessionId)
  return queueEmail(trx, config, { tenantId: facts.tenantId, sessionId: scope.sessionId }, { kind: 'usage-feed-stale', ...facts, sessionId: scope.sessionId, ...notice })
}

/** The provider's SFTP login and feed settings. @throws SimoptError `SETTING_MISSING` when it has none. */
function feedAccess(provider: ProviderRow, config: Config): { login: SftpLogin; fan: string; feed: NonNullable<ReturnType<typeof parseProviderSettings>['usageFeed']> } {
  const feed = parseProviderSettings(provider.settings, provider.name).usageFeed
  const set = 'simopt provider set --sftp-url sftp://HOST[:PORT]/FOLDER --user SFTP-USER (--password P | --sftp-key-file KEY)'
  if (feed === undefined) throw new SimoptError('SETTING_MISSING', `provider ${provider.name} has no SFTP folder for its usage report files (${set})`)
  if (provider.credentials === null) throw new SimoptError('SETTING_MISSING', `provider ${provider.name} has no credentials (${set})`)
  const credentials = openCredentials(secretBox(config), provider.credentials)
  const fan = credentials.carrierAccount?.accountName
  if (fan === undefined) throw new SimoptError('SETTING_MISSING', `provider ${provider.name} has no foundation account number (simopt provider set --account FAN --client-id APP-ID --client-secret APP-SECRET)`)
  const login: SftpLogin = { address: parseSftpUrl(feed.sftpUrl), username: credentials.user, password: credentials.apiKey, privateKey: credentials.sftpKey, hostKeySha256: feed.hostKeySha256 }
  return { login, fan, feed }
}
