/**
 * A Telegence provider end to end, as a user runs it at the command line with a worker process: `provider
 * add --integration telegence` (a Mobility provider), the price sheet imported with its optimization
 * groups, then a session: device sync over the simulator's REST API (BANs, pages by header, subscriber
 * detail), usage from the report files on a real SFTP server (sshd on loopback), optimization by
 * optimization group, the report (the workbook says Mobility), the push (SOC changes, some answered but not
 * made) and the verification that re-reads each subscriber. A feed that has gone stale is e-mailed once.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, describe, it, type TestContext } from 'node:test'
import { writeMobilityPriceSheet } from '../../src/carriers/telegence/simulator/mobility-catalog.js'
import { startTelegenceSimulator, type TelegenceSimulator, type TelegenceSimulatorOptions } from '../../src/carriers/telegence/simulator/telegence-simulator.js'
import type { Store } from '../../src/store/index.js'
import { PERIOD, allEnded, runSession } from '../helpers/change-sessions.js'
import { readWorkbook, summaryValue } from '../helpers/report-workbook.js'
import { simoptOk, sqliteLocal, startWorkerProcess, stopWorkerProcess, storeFor, type ServiceEnv } from '../helpers/service-env.js'
import { startSftpServer, type SftpServer } from '../helpers/sftp-server.js'
import { tempDir } from '../helpers/temp-dir.js'

interface Setup {
  readonly env: ServiceEnv
  readonly simulator: TelegenceSimulator
  readonly sftp: SftpServer
  readonly store: Store
  readonly folder: string
}

async function setUp(t: TestContext, options: TelegenceSimulatorOptions, extra: readonly string[] = []): Promise<Setup | undefined> {
  const sftp = await startSftpServer(t)
  if (sftp === undefined) return undefined
  const simulator = await startTelegenceSimulator({ sims: 150, bans: 3, rateLimit: 500, feedFolder: sftp.folder, ...options })
  after(() => simulator.close())
  const folder = await tempDir()
  const env: ServiceEnv = {
    ...sqliteLocal(folder, 3000),
    SIMOPT_SECRET_KEY: 'telegence session test key, long enough',
    SIMOPT_MAX_PAGES_PER_JOB: '2',
    SIMOPT_VERIFY_DELAY_MS: '200',
    SIMOPT_DELIVERY_RETRY_MS: '200',
  }
  await simoptOk(env, [
    'provider', 'add', '--tenant', 'acme', '--name', 'main', '--integration', 'telegence', '--url', simulator.url,
    '--client-id', simulator.appId, '--client-secret', simulator.appSecret, '--account', simulator.account.fan,
    '--sftp-url', sftp.url, '--user', sftp.username, '--sftp-key-file', sftp.privateKeyFile, '--sftp-host-key', `SHA256:${sftp.hostKeySha256}`,
    '--calls-per-second', '200', '--write-enabled', ...extra,
  ])
  await simoptOk(env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'ops@acme.example'])
  const { plans } = await writeMobilityPriceSheet(path.join(folder, 'prices'))
  await simoptOk(env, ['import', '--tenant', 'acme', '--provider', 'main', '--period', PERIOD, '--fleet', 'mobility', '--plans', plans])
  const store = storeFor(env)
  after(() => store.close())
  return { env, simulator, sftp, store, folder }
}

describe('a Telegence session', () => {
  it('syncs over the API and the SFTP files, optimizes by optimization group, reports Mobility, pushes SOC changes and verifies them', async (t) => {
    // A window long enough to reach last cycle's final file, whatever the day of the month.
    const setup = await setUp(t, { seed: 21, dropChangeEvery: 4 }, ['--feed-refetch-days', '40'])
    if (setup === undefined) return
    const files = await setup.simulator.reports!.history(Date.now())
    const listed = await simoptOk(setup.env, ['provider', 'list', '--tenant', 'acme'])
    assert.match(listed.stdout, /main {2}telegence/)
    assert.doesNotMatch(listed.stdout, /PRIVATE KEY|demo-app-secret/)
    const worker = startWorkerProcess(setup.env)
    try {
      const { sessionId, instanceId } = await runSession(setup)
      const { store, simulator } = setup

      // Devices: every subscriber, by BAN and page (a job of 2 pages at a time), each with its SOC and number.
      const devices = await store.db.selectFrom('devices').select(['iccid', 'msisdn', 'rate_plan']).execute()
      assert.equal(devices.length, simulator.account.size)
      for (const device of devices) assert.equal(device.msisdn, simulator.account.lines().find((line) => line.iccid === device.iccid)!.subscriberNumber)
      assert.equal(simulator.stats.calls.subscribers, 3 * Math.ceil(50 / 250))

      // Usage: every report file of this cycle downloaded once; last cycle's final file refused.
      const provider = await store.db.selectFrom('service_providers').select(['id', 'settings']).executeTakeFirstOrThrow()
      assert.equal(JSON.parse(provider.settings).fleet, 'mobility')
      const recorded = await store.db.selectFrom('usage_feed_files').select(['name', 'kind', 'outcome']).where('provider_id', '=', provider.id).orderBy('as_of').execute()
      assert.deepEqual(new Set(recorded.map((file) => file.name)), new Set(files))
      assert.deepEqual(recorded.filter((file) => file.kind === 'final').map((file) => file.outcome), ['refused'])
      const active = simulator.account.lines().filter((line) => line.status === 'A').length
      const instance = await store.db.selectFrom('instances').selectAll().where('id', '=', instanceId).executeTakeFirstOrThrow()
      assert.equal(instance.sims, active, 'every active subscriber priced from the files')
      const voice = await store.db.selectFrom('usage_readings').select((eb) => eb.fn.sum<number>('voice_min').as('minutes')).executeTakeFirstOrThrow()
      assert.ok(Number(voice.minutes) > 0, 'voice minutes from the files')

      // Optimized by optimization group: no SIM leaves its group or rate plan type.
      const plans = new Map((await store.db.selectFrom('rate_plans').select(['code', 'rate_plan_type', 'pool']).execute()).map((row) => [row.code, row]))
      const results = await store.db.selectFrom('results').select(['iccid', 'current_plan', 'new_plan']).where('instance_id', '=', instanceId).execute()
      for (const row of results) {
        assert.equal(plans.get(row.new_plan)!.pool, plans.get(row.current_plan)!.pool, `${row.iccid} left its group`)
        assert.equal(plans.get(row.new_plan)!.rate_plan_type, plans.get(row.current_plan)!.rate_plan_type, `${row.iccid} changed type`)
      }
      assert.ok(instance.cost_after! < instance.cost_before!, `${instance.cost_after} < ${instance.cost_before}`)

      // The report says Mobility.
      const xlsx = path.join(setup.folder, 'report.xlsx')
      await simoptOk(setup.env, ['report', sessionId, '--xlsx', xlsx])
      assert.equal(summaryValue(await readWorkbook(xlsx), 'Fleet'), 'Mobility')

      // Pushed as SOC changes and verified by re-reading each subscriber; a change the carrier dropped is sent
      // again, up to 3 times, then reported as a discrepancy.
      const rows = await allEnded(store, instanceId)
      assert.ok(rows.length > 5, `a session with changes, got ${rows.length}`)
      const sent = (iccid: string) => {
        const number = simulator.account.lines().find((line) => line.iccid === iccid)!.subscriberNumber
        return simulator.stats.changes.filter((change) => change.subscriberNumber === number)
      }
      for (const row of rows) {
        const line = simulator.account.lines().find((known) => known.iccid === row.iccid)!
        if (row.status === 'verified') assert.equal(line.soc, row.new_plan, row.iccid)
        else {
          assert.equal(row.status, 'discrepancy', row.iccid)
          assert.deepEqual(sent(row.iccid).map((change) => change.made), [false, false, false], `${row.iccid} reported after 3 dropped changes`)
        }
      }
      const dropped = simulator.stats.changes.filter((change) => !change.made)
      assert.ok(rows.some((row) => row.status === 'verified' && sent(row.iccid).length > 1), 'a dropped change sent again and verified')
      const discrepancies = rows.filter((row) => row.status === 'discrepancy').length
      assert.ok(discrepancies < rows.length / 4, `${discrepancies} discrepancies of ${rows.length}`)
      const audit = await simoptOk(setup.env, ['audit', '--session', sessionId, '--limit', '100000'])
      assert.equal((audit.stdout.match(/verify: not in place/g)?.length ?? 0) + discrepancies, dropped.length)
      const stale = await store.db.selectFrom('outbox').select('kind').where('kind', '=', 'usage-feed-stale').execute()
      assert.deepEqual(stale, [], 'a feed with a file of the last hours is not stale')
    } finally {
      await stopWorkerProcess(worker)
    }
  })

  it('e-mails a stale feed once, not again while it stays stale, and goes on with the usage it has', async (t) => {
    const setup = await setUp(t, { seed: 22 }, ['--feed-stale-hours', '1'])
    if (setup === undefined) return
    const cycleStart = setup.simulator.account.cycleAt(Date.now()).start
    // Only a daily export of 3 hours ago (of last cycle, in a cycle's first 3 hours: then its lines are left out).
    const at = Date.now() - 3 * 3_600_000
    await setup.simulator.reports!.daily(at)
    const worker = startWorkerProcess(setup.env)
    try {
      await runSession(setup)
      await runSession(setup)
      const mails = await setup.store.db.selectFrom('outbox').select(['kind', 'subject']).where('kind', '=', 'usage-feed-stale').execute()
      assert.equal(mails.length, 1)
      assert.match(mails[0]!.subject ?? '', /usage reports of main not being delivered/)
      const readings = await setup.store.db.selectFrom('usage_readings').select('iccid').execute()
      if (at >= cycleStart) assert.ok(readings.length > 0, 'the stale file was still loaded')
      else assert.equal(readings.length, 0, "last cycle's lines are not this cycle's usage")
    } finally {
      await stopWorkerProcess(worker)
    }
  })
})
