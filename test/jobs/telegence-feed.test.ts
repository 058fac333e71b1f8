/**
 * Telegence's usage report files over a real SFTP server (OpenSSH's sshd on loopback): the files the
 * simulator writes are downloaded and loaded (data as the usage the optimizer reads, voice minutes and SMS
 * beside it), never twice; a file missed within the last days is fetched later and one older is left; a
 * closed period's final file is refused; a wrong host key or login is refused by name; and the feed is
 * called stale when its newest file is older than the setting.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, describe, it, type TestContext } from 'node:test'
import { feedBytes } from '../../src/carriers/telegence/feed/feed-archive.js'
import { dataFileName } from '../../src/carriers/telegence/feed/feed-format.js'
import { startTelegenceSimulator, type TelegenceSimulator } from '../../src/carriers/telegence/simulator/telegence-simulator.js'
import { loadConfig } from '../../src/config.js'
import { billingPeriodAt } from '../../src/domain/index.js'
import { loadNewFeedFiles } from '../../src/jobs/stages/sync-usage-feed.js'
import { ensurePeriod, feedFiles, upsertDevices, type Store } from '../../src/store/index.js'
import { startSftpServer, type SftpServer } from '../helpers/sftp-server.js'
import { simoptOk, sqliteLocal, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { freshPostgresDatabase } from '../helpers/services.js'
import { tempDir } from '../helpers/temp-dir.js'

const KEY = 'telegence feed test key, long enough'
const HOUR = 3_600_000
const DAY = 24 * HOUR
const CYCLE = { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }

interface Setup {
  readonly env: ServiceEnv
  readonly sftp: SftpServer
  readonly simulator: TelegenceSimulator
  readonly store: Store
  /** Loads what is due at `now` (default: the real now). */
  load(now?: number): ReturnType<typeof loadNewFeedFiles>
  readings(): Promise<Map<string, { usage_mb: number; sms: number; voice_min: number; measured_at: number | null }>>
}

async function setUp(t: TestContext, extra: readonly string[] = [], backend: 'sqlite' | 'postgres' = 'sqlite'): Promise<Setup | undefined> {
  // Closed before the PostgreSQL database is dropped: `after` hooks run in the order they are added.
  let store: Store | undefined
  after(() => store?.close())
  const postgres = backend === 'postgres' ? await freshPostgresDatabase(t) : undefined
  if (backend === 'postgres' && postgres === undefined) return undefined
  const sftp = await startSftpServer(t)
  if (sftp === undefined) return undefined
  const simulator = await startTelegenceSimulator({ sims: 40, seed: 11, feedFolder: sftp.folder })
  after(() => simulator.close())
  const env: ServiceEnv = { ...sqliteLocal(await tempDir()), SIMOPT_SECRET_KEY: KEY, ...(postgres === undefined ? {} : { SIMOPT_DATABASE_URL: postgres }) }
  await simoptOk(env, [
    'provider', 'add', '--tenant', 'acme', '--name', 'att', '--integration', 'telegence', '--url', simulator.url,
    '--client-id', simulator.appId, '--client-secret', simulator.appSecret, '--account', simulator.account.fan,
    '--sftp-url', sftp.url, '--user', sftp.username, '--sftp-key-file', sftp.privateKeyFile, '--sftp-host-key', `SHA256:${sftp.hostKeySha256}`, ...extra,
  ])
  const opened = storeFor(env)
  store = opened
  const provider = await opened.db.selectFrom('service_providers').selectAll().executeTakeFirstOrThrow()
  const periodName = billingPeriodAt(Date.now(), CYCLE).name
  const period = await ensurePeriod(opened.db, provider, periodName)
  // The device sync's work, done directly: every subscriber known by ICCID and number.
  const lines = simulator.account.lines()
  await upsertDevices(opened.db, provider.id, lines.map((line) => ({ iccid: line.iccid, status: line.status === 'A' ? 'ACTIVATED' : 'DEACTIVATED', ratePlan: line.soc, commPlan: simulator.account.fan, msisdn: line.subscriberNumber })), Date.now())
  const config = loadConfig({ ...env })
  return {
    env,
    sftp,
    simulator,
    store: opened,
    load: (now = Date.now()) => loadNewFeedFiles(opened, config, { provider, period }, now),
    readings: async () => {
      const rows = await opened.db.selectFrom('usage_readings').select(['iccid', 'usage_mb', 'sms', 'voice_min', 'measured_at']).where('period_id', '=', period.id).execute()
      return new Map(rows.map((row) => [row.iccid, row]))
    },
  }
}

/** A whole minute inside the current period, `hours` before now (never before the period's first hour): file names count minutes. */
function hoursAgo(hours: number): number {
  const at = Math.max(billingPeriodAt(Date.now(), CYCLE).start + HOUR, Date.now() - hours * HOUR)
  return Math.floor(at / 60_000) * 60_000
}

describe('the Telegence usage feed over SFTP', () => {
  for (const backend of ['sqlite', 'postgres'] as const) it(`loads the daily export and the data files, the newest figures winning, and never downloads a file twice (${backend})`, async (t) => {
    const setup = await setUp(t, [], backend)
    if (setup === undefined) return
    const reports = setup.simulator.reports!
    const daily = await reports.daily(hoursAgo(5))
    // Read once: a minute boundary passing during the test would move a second reading of the clock.
    const dataAt = hoursAgo(2)
    const data = await reports.data(dataAt)
    const first = await setup.load()
    assert.deepEqual(first.downloaded.map((file) => [file.name, file.outcome, file.missed]), [[daily, 'loaded', false], [data, 'loaded', false]])
    const active = setup.simulator.account.usageLines(dataAt)
    assert.ok(first.downloaded[1]!.loaded === active.length && active.length > 30)
    const readings = await setup.readings()
    for (const line of active) {
      const reading = readings.get(line.iccid)!
      assert.ok(Math.abs(reading.usage_mb - line.dataMb) < 0.001, `${line.iccid} data ${reading.usage_mb} vs ${line.dataMb}`)
      assert.ok(Math.abs(reading.voice_min - line.voiceMinutes) < 0.001, `${line.iccid} voice`)
      assert.equal(reading.sms, line.sms)
      assert.equal(reading.measured_at, dataAt)
    }
    assert.ok([...readings.values()].some((reading) => reading.voice_min > 0), 'voice minutes loaded')

    // The same name with other figures: not downloaded again, and the readings stay.
    await writeFile(path.join(setup.sftp.folder, data), await feedBytes(data, 'subscriber_number,iccid,bill_cycle_start,data_mb,voice_minutes,sms\n'))
    const second = await setup.load()
    assert.deepEqual(second.downloaded, [])
    assert.deepEqual(await setup.readings(), readings)
    assert.equal((await feedFiles(setup.store.db, (await setup.store.db.selectFrom('service_providers').select('id').executeTakeFirstOrThrow()).id)).length, 2)
  })

  it('fetches a file missed in the last days (its older lines do not overwrite newer ones) and leaves files older than the window', async (t) => {
    const setup = await setUp(t, ['--feed-refetch-days', '2'])
    if (setup === undefined) return
    const reports = setup.simulator.reports!
    const newest = await reports.data(hoursAgo(1))
    await setup.load()
    const before = await setup.readings()
    const missed = await reports.data(hoursAgo(4))
    // Written as if three days ago (the window is 2 days): left.
    const old = dataFileName(setup.simulator.account.fan, Date.now() - 3 * DAY)
    await writeFile(path.join(setup.sftp.folder, old), await feedBytes(old, 'not even CSV'))
    const next = await setup.load()
    assert.deepEqual(next.downloaded.map((file) => [file.name, file.outcome, file.missed]), [[missed, 'superseded', true]])
    assert.equal(next.tooOld, 1)
    assert.deepEqual(await setup.readings(), before, 'the newer readings of ' + newest + ' stand')
  })

  it("refuses a closed period's final file, and records a file it cannot read with why", async (t) => {
    const setup = await setUp(t)
    if (setup === undefined) return
    const reports = setup.simulator.reports!
    const current = billingPeriodAt(Date.now(), CYCLE)
    const closed = billingPeriodAt(current.start - 1, CYCLE)
    const final = await reports.final(closed.name)
    const broken = dataFileName(setup.simulator.account.fan, hoursAgo(3))
    await writeFile(path.join(setup.sftp.folder, broken), 'subscriber_number,iccid,bill_cycle_start,data_mb,voice_minutes,sms\n2140000000,89014104000000000000,2026-12-01,lots,0,0\n')
    const outcome = await setup.load(current.start + 2 * HOUR)
    assert.deepEqual(outcome.downloaded.map((file) => [file.name, file.outcome, file.loaded]), [[final, 'refused', 0], [broken, 'refused', 0]])
    assert.equal((await setup.readings()).size, 0, "nothing of the closed period's totals is loaded into the open one")
    const provider = await setup.store.db.selectFrom('service_providers').select('id').executeTakeFirstOrThrow()
    const notes = (await feedFiles(setup.store.db, provider.id)).map((file) => file.note)
    assert.match(notes[0] ?? '', new RegExp(`final file of period ${closed.name}, not of ${current.name} being synced`))
    assert.match(notes[1] ?? '', /line 2, column 4 \(data_mb\): a number of 0 or more expected, got "lots"/)
  })

  it("loads a file's lines into the period of the bill cycle they name, whichever period is synced", async (t) => {
    const setup = await setUp(t, ['--feed-refetch-days', '40'])
    if (setup === undefined) return
    const current = billingPeriodAt(Date.now(), CYCLE)
    const previous = billingPeriodAt(current.start - 1, CYCLE)
    // A data file of the last hours of the previous cycle, downloaded by a session of this one.
    const late = await setup.simulator.reports!.data(current.start - 2 * HOUR)
    const outcome = await setup.load()
    assert.deepEqual(outcome.downloaded.map((file) => [file.name, file.outcome]), [[late, 'loaded']])
    assert.equal((await setup.readings()).size, 0, 'nothing of the previous cycle in this one')
    const period = await setup.store.db.selectFrom('billing_periods').select('id').where('name', '=', previous.name).executeTakeFirstOrThrow()
    const readings = await setup.store.db.selectFrom('usage_readings').select(['iccid', 'usage_mb', 'measured_at']).where('period_id', '=', period.id).execute()
    const expected = setup.simulator.account.usageLines(current.start - 2 * HOUR)
    assert.equal(readings.length, expected.length)
    const line = expected.find((candidate) => candidate.dataMb > 0)!
    assert.ok(Math.abs(readings.find((row) => row.iccid === line.iccid)!.usage_mb - line.dataMb) < 0.001)
    const provider = await setup.store.db.selectFrom('service_providers').select('id').executeTakeFirstOrThrow()
    assert.match((await feedFiles(setup.store.db, provider.id))[0]!.note ?? '', new RegExp(`lines of period ${previous.name} loaded into it`))
  })

  it('says the feed is stale when its newest file is older than the setting, and not when it is newer', async (t) => {
    const setup = await setUp(t, ['--feed-stale-hours', '6'])
    if (setup === undefined) return
    const empty = await setup.load()
    assert.equal(empty.stale, true, 'a folder without files is stale')
    assert.equal(empty.staleNotice?.newestAsOf, null)
    const at = hoursAgo(9)
    const name = await setup.simulator.reports!.data(at)
    const old = await setup.load()
    assert.equal(old.stale, at < Date.now() - 6 * HOUR)
    if (old.stale) assert.deepEqual([old.staleNotice?.newestFile, old.staleNotice?.newestAsOf], [name, at])
    await setup.simulator.reports!.data(hoursAgo(1))
    assert.equal((await setup.load()).stale, false)
  })

  it('refuses a server whose host key is not the one set, and a login it does not accept, saying which', async (t) => {
    const setup = await setUp(t)
    if (setup === undefined) return
    await simoptOk(setup.env, ['provider', 'set', '--tenant', 'acme', '--name', 'att', '--sftp-host-key', `SHA256:${'A'.repeat(43)}`])
    const wrongKey = await setUpLoad(setup)
    assert.match(wrongKey, /host key is SHA256:.* not the SHA256:A{43} the provider names/)
    await simoptOk(setup.env, ['provider', 'set', '--tenant', 'acme', '--name', 'att', '--sftp-host-key', `SHA256:${setup.sftp.hostKeySha256}`, '--user', 'nobody-here', '--password', 'wrong'])
    assert.match(await setUpLoad(setup), /login of nobody-here refused/)
  })
})

/** The error a load with the provider's stored settings fails with. */
async function setUpLoad(setup: Setup): Promise<string> {
  const provider = await setup.store.db.selectFrom('service_providers').selectAll().executeTakeFirstOrThrow()
  const period = await setup.store.db.selectFrom('billing_periods').selectAll().executeTakeFirstOrThrow()
  const error = await loadNewFeedFiles(setup.store, loadConfig({ ...setup.env }), { provider, period }).then(() => undefined, (caught: unknown) => caught)
  assert.ok(error instanceof Error, 'refused')
  return error.message
}
