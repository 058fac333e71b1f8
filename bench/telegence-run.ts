/**
 * Issue 21's figures: a 100k-subscriber Mobility fleet on the Telegence simulator, its usage from report
 * files on a real SFTP server (OpenSSH's sshd on loopback), as a session loads them: the provider added and
 * its price sheet imported at the command line, the subscribers stored as the device sync stores them, then
 * timed: the file ingestion (the daily export, two data files and last cycle's final file, downloaded over
 * SFTP, unzipped, parsed and written as readings), and the optimization by optimization group of the problem
 * the store then gives (seconds, cost, the proven bound's gap, the old method's cost). Checks that every
 * active subscriber got a reading and the closed period's file was refused; a failed check exits 1.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { writeMobilityPriceSheet } from '../src/carriers/telegence/simulator/mobility-catalog.js'
import { startTelegenceSimulator } from '../src/carriers/telegence/simulator/telegence-simulator.js'
import { loadConfig } from '../src/config.js'
import { billingPeriodAt } from '../src/domain/index.js'
import { loadNewFeedFiles } from '../src/jobs/stages/sync-usage-feed.js'
import { optimize } from '../src/optimizer/index.js'
import { ensurePeriod, inChunks, loadProblem, openStore, upsertDevices } from '../src/store/index.js'
import { launchSshd, sshdInstalled } from '../test/helpers/sshd.js'
import { timed } from './measure.js'
import { simopt } from './sync-run.js'
import { benchEnv, printChecks, type ThingSpaceCheck } from './thingspace-run.js'

export const TELEGENCE_SIMS = 100_000
const HOUR = 3_600_000
const CYCLE = { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }

export interface TelegenceFigures {
  readonly sims: number
  readonly files: number
  readonly megabytes: number
  readonly linesLoaded: number
  readonly ingestSeconds: number
  readonly loadProblemSeconds: number
  readonly optimizeSeconds: number
  readonly costBefore: number
  readonly costAfter: number
  readonly lowerBound: number
  readonly gapPct: number
  readonly baselineCost: number
  readonly checks: readonly ThingSpaceCheck[]
}

export async function telegenceRun(folder: string, sims = TELEGENCE_SIMS): Promise<TelegenceFigures | string> {
  if (!(await sshdInstalled())) return 'skipped: /usr/sbin/sshd is not installed (apt-get install openssh-server)'
  const root = path.join(folder, `telegence-sftp-${sims}`)
  await mkdir(root, { recursive: true })
  const sftp = await launchSshd(root)
  const simulator = await startTelegenceSimulator({ sims, seed: 21, rateLimit: 10_000, feedFolder: sftp.folder })
  try {
    const env = benchEnv(folder, `telegence-${sims}`)
    await simopt(env, [
      'provider', 'add', '--tenant', 'bench', '--name', 'att', '--integration', 'telegence', '--url', simulator.url,
      '--client-id', simulator.appId, '--client-secret', simulator.appSecret, '--account', simulator.account.fan,
      '--sftp-url', sftp.url, '--user', sftp.username, '--sftp-key-file', sftp.privateKeyFile, '--sftp-host-key', `SHA256:${sftp.hostKeySha256}`,
      '--feed-refetch-days', '40',
    ])
    const { plans } = await writeMobilityPriceSheet(path.join(folder, 'telegence-prices'))
    const now = Date.now()
    const current = billingPeriodAt(now, CYCLE)
    await simopt(env, ['import', '--tenant', 'bench', '--provider', 'att', '--period', current.name, '--fleet', 'mobility', '--plans', plans])

    const reports = simulator.reports!
    const at = (hours: number) => Math.max(current.start + 60_000, now - hours * HOUR)
    await reports.final(billingPeriodAt(current.start - 1, CYCLE).name)
    await reports.daily(at(5))
    await reports.data(at(3))
    await reports.data(at(1))

    const store = openStore(env.SIMOPT_DATABASE_URL!)
    try {
      const provider = await store.db.selectFrom('service_providers').selectAll().executeTakeFirstOrThrow()
      const period = await ensurePeriod(store.db, provider, current.name)
      // What the device sync stores: every subscriber by ICCID, with its SOC and number.
      const devices = simulator.account.lines().map((line) => ({ iccid: line.iccid, status: line.status === 'A' ? 'ACTIVATED' : line.status === 'S' ? 'DEACTIVATED' : 'RETIRED', ratePlan: line.soc, commPlan: simulator.account.fan, msisdn: line.subscriberNumber }))
      for (const chunk of inChunks(devices)) await upsertDevices(store.db, provider.id, chunk, now)

      const ingest = await timed(() => loadNewFeedFiles(store, loadConfig(env), { provider, period }))
      const loadedProblem = await timed(() => loadProblem(store, provider, period, Date.now()))
      const { problem } = loadedProblem.value
      const run = await timed(() => optimize(problem))
      const result = run.value
      const lowerBound = result.lowerBound ?? Number.NaN
      const active = simulator.account.lines().filter((line) => line.status === 'A').length
      const outcomes = ingest.value.downloaded
      const loaded = outcomes.filter((file) => file.outcome === 'loaded')
      const bytes = (await store.db.selectFrom('usage_feed_files').select((eb) => eb.fn.sum<number>('size').as('bytes')).executeTakeFirstOrThrow()).bytes
      const checks: ThingSpaceCheck[] = [
        { what: 'every file downloaded, the closed period\'s final file refused', passed: outcomes.length === 4 && outcomes.filter((file) => file.outcome === 'refused').length === 1 && loaded.length === 3, figure: outcomes.map((file) => `${file.name}: ${file.outcome}`).join(', ') },
        { what: 'every active subscriber has a reading', passed: loaded.every((file) => file.loaded === active) && problem.sims.count === active, figure: `${loaded.map((file) => file.loaded).join(', ')} lines loaded, ${problem.sims.count} SIMs in the problem, ${active} active` },
        { what: 'optimized by optimization group, cheaper than before', passed: problem.fleet === 'mobility' && result.priced.total < result.before.total, figure: `fleet ${problem.fleet}, ${result.before.total.toFixed(2)} -> ${result.priced.total.toFixed(2)}` },
      ]
      return {
        sims,
        files: outcomes.length,
        megabytes: Number(bytes) / 1e6,
        linesLoaded: loaded.reduce((sum, file) => sum + file.loaded, 0),
        ingestSeconds: ingest.seconds,
        loadProblemSeconds: loadedProblem.seconds,
        optimizeSeconds: run.seconds,
        costBefore: result.before.total,
        costAfter: result.priced.total,
        lowerBound,
        gapPct: (100 * (result.priced.total - lowerBound)) / result.priced.total,
        baselineCost: result.baselineCost,
        checks,
      }
    } finally {
      await store.close()
    }
  } finally {
    await simulator.close()
    await sftp.stop()
  }
}

export function printTelegenceRun(row: TelegenceFigures | string): void {
  console.log('\n## Telegence: a Mobility fleet\'s usage from SFTP report files, optimized by optimization group\n')
  if (typeof row === 'string') return void console.log(row)
  const money = (value: number) => value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  console.log('| subscribers | files (MB) | lines loaded | file ingestion s | problem load s | optimize s | cost before | cost after | lower bound | gap % | old method |')
  console.log('|---|---|---|---|---|---|---|---|---|---|---|')
  console.log(
    `| ${row.sims.toLocaleString('en-US')} | ${row.files} (${row.megabytes.toFixed(1)}) | ${row.linesLoaded.toLocaleString('en-US')} | ${row.ingestSeconds.toFixed(1)} | ${row.loadProblemSeconds.toFixed(1)} | ${row.optimizeSeconds.toFixed(1)} | ${money(row.costBefore)} | ${money(row.costAfter)} | ${money(row.lowerBound)} | ${row.gapPct.toFixed(4)} | ${money(row.baselineCost)} |`,
  )
  console.log('')
  printChecks(row.checks)
}
