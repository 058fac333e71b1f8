/**
 * Which report files of a folder to download: those of the account's FAN from the last `refetchDays` days
 * that were never downloaded, oldest first. A file older than what was downloaded already is one a sync
 * missed (a failed download, a file the carrier dropped late): it is fetched too, within the window. Files
 * older than the window are left (the old system's `CheckFilesMissedThresholdDays`).
 */
import { parseFeedFileName, type FeedFileName } from './feed-format.js'
import type { RemoteFile } from './sftp-folder.js'

const DAY_MS = 86_400_000

export interface PlannedFile {
  readonly file: RemoteFile
  readonly parsed: FeedFileName
  /** Epoch ms its figures are as of: the name's time, or a final file's period end. */
  readonly asOf: number
  /** Older than the newest file downloaded before: a file an earlier sync missed. */
  readonly missed: boolean
}

export interface DownloadPlan {
  readonly download: readonly PlannedFile[]
  /** Never downloaded, and older than the window: left. */
  readonly tooOld: number
  /** As-of time of the newest file of the FAN in the folder, downloaded or not; `undefined` when there is none. */
  readonly newestInFolder: number | undefined
  /** Its name. */
  readonly newestName: string | undefined
}

export interface PlanInput {
  readonly files: readonly RemoteFile[]
  readonly fan: string
  /** Names downloaded before, with their as-of times. */
  readonly downloaded: ReadonlyMap<string, number>
  readonly now: number
  readonly refetchDays: number
  /** The end (epoch ms) of the billing period a final file names. */
  readonly periodEnd: (period: string) => number
}

export function planDownloads(input: PlanInput): DownloadPlan {
  const since = input.now - input.refetchDays * DAY_MS
  let newestDownloaded = -Infinity
  for (const asOf of input.downloaded.values()) newestDownloaded = Math.max(newestDownloaded, asOf)
  const download: PlannedFile[] = []
  let tooOld = 0
  let newestInFolder: number | undefined
  let newestName: string | undefined
  for (const file of input.files) {
    const parsed = parseFeedFileName(file.name)
    if (parsed === undefined || parsed.fan !== input.fan) continue
    const asOf = parsed.kind === 'final' ? input.periodEnd(parsed.period) : parsed.asOf
    if (newestInFolder === undefined || asOf > newestInFolder) {
      newestInFolder = asOf
      newestName = file.name
    }
    if (input.downloaded.has(file.name)) continue
    if (asOf < since) {
      tooOld++
      continue
    }
    download.push({ file, parsed, asOf, missed: asOf < newestDownloaded })
  }
  download.sort((a, b) => a.asOf - b.asOf || (a.file.name < b.file.name ? -1 : 1))
  return { download, tooOld, newestInFolder, newestName }
}
