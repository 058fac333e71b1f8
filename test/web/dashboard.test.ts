/**
 * The dashboard end to end, in headless Chromium: log in with a key, start a session on the Jasper
 * simulator, watch it finish on the session page, open the result (chart, search), approve changes (some,
 * then all) and see them pushed to the carrier. Screenshots go to test-results/screenshots/.
 * Without a browser: skipped outside CI, failed in CI.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, it } from 'node:test'
import type { Page } from 'playwright-core'
import { startJasperSimulator } from '../../src/carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../../src/carriers/jasper/simulator/simulated-fleet.js'
import { billingPeriodAt } from '../../src/domain/index.js'
import { call, startApiServer, tenantKeys } from '../helpers/api-server.js'
import { launchChromium, snap } from '../helpers/browser.js'
import { EXAMPLES } from '../helpers/paths.js'
import { eventually, simoptOk } from '../helpers/service-env.js'

const PERIOD = billingPeriodAt(Date.now(), { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }).name

it('logs in, runs a session on the simulator, shows the result and approves changes', async (t) => {
  const browser = await launchChromium(t)
  if (browser === undefined) return

  const simulator = await startJasperSimulator({ sims: 300, rateLimit: 200, seed: 31 })
  after(() => simulator.close())
  const server = await startApiServer({ SIMOPT_MAX_PAGES_PER_JOB: '20', SIMOPT_VERIFY_DELAY_MS: '300', SIMOPT_DELIVERY_RETRY_MS: '200' })
  const keys = await tenantKeys(server.store, 'acme')
  // The carrier account through the API, the price sheet and approval setting through the command line.
  const provider = await call(server, 'POST', '/api/tenants/acme/providers', {
    key: keys.admin,
    body: { name: 'jasper', url: simulator.url, user: simulator.user, apiKey: simulator.apiKey, callsPerSecond: 100, writeEnabled: true },
  })
  assert.equal(provider.status, 201, JSON.stringify(provider.body))
  await simoptOk(server.env, ['tenant', 'set', '--tenant', 'acme', '--require-approval'])
  const prices = await writeSimulatedPriceSheet(path.join(server.folder, 'prices'), simulator.fleet)
  await simoptOk(server.env, ['import', '--tenant', 'acme', '--provider', 'jasper', '--period', PERIOD, '--plans', prices.plans, '--pools', prices.pools, '--comm-plans', prices.commPlans])
  await server.startWorker()

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  await page.goto(server.url)
  await page.getByLabel('API key').fill(keys.operator)
  await snap(page, '01-login')
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('heading', { name: 'Tenant acme' }).waitFor()
  // The schedule card: the provider's run in its billing period (due, held back, ran or waiting, by the date).
  await page.getByRole('table', { name: 'Scheduled runs' }).getByRole('cell', { name: 'jasper', exact: true }).waitFor()
  assert.ok(!(await page.locator('#main').innerText()).includes('null'), 'nothing left out shows as "null"')
  await snap(page, '02-overview')

  await page.getByLabel('Provider').selectOption('jasper')
  await page.getByLabel('Billing period (YYYY-MM)').fill(PERIOD)
  await page.getByRole('button', { name: 'Start session' }).click()
  await page.waitForURL(/#\/sessions\/[\w-]+$/)
  const sessionId = /#\/sessions\/([\w-]+)$/.exec(page.url())![1]!
  await page.getByRole('progressbar').waitFor()
  await page.locator('#session-state', { hasText: 'done' }).waitFor({ timeout: 90_000 })
  assert.equal(await page.getByRole('progressbar').getAttribute('aria-valuenow'), '100')
  await page.getByRole('heading', { name: 'Carrier sync' }).waitFor()
  // Each status change once: the instance's moves, made with the session's, are not listed again.
  const stageStatuses = await page.locator('section[aria-labelledby="stages-title"] tbody tr td:nth-child(2)').allInnerTexts()
  assert.deepEqual(stageStatuses, [...new Set(stageStatuses)], `stages: ${stageStatuses.join(', ')}`)
  assert.ok(stageStatuses.includes('syncing') && stageStatuses.includes('done'), stageStatuses.join(', '))
  await snap(page, '03-session-done')

  await page.getByRole('link', { name: 'Open the result' }).click()
  await page.getByRole('heading', { name: /^Result:/ }).waitFor()
  await page.locator('#sim-table tbody tr').first().waitFor()
  assert.equal(await page.locator('#sim-table tbody tr').count(), 50)
  assert.ok((await page.locator('svg[role="img"] rect').count()) > 2, 'the cost-by-plan chart has bars')
  // Every bar says its value: the before bars as well as the after bars.
  const bars = await page.locator('svg[role="img"] rect').count()
  assert.equal(await page.locator('svg[role="img"] text.bar-value.before').count(), bars / 2)
  assert.equal(await page.locator('svg[role="img"] text.bar-value.after').count(), bars / 2)
  await page.getByText("the seed strategy's cost").waitFor()
  const firstIccid = (await page.locator('#sim-table tbody tr td').first().textContent())!
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByText('Page 2 of').waitFor()
  await page.getByLabel('Search by ICCID').fill(firstIccid)
  await page.getByText(`ICCIDs starting ${firstIccid}`).waitFor()
  assert.equal(await page.locator('#sim-table tbody tr').count(), 1)
  await snap(page, '04-result')

  await page.getByRole('link', { name: 'Rate plan changes' }).click()
  await page.locator('#push-decision', { hasText: 'awaiting-approval' }).waitFor()
  const planned = await call(server, 'GET', `/api/sessions/${sessionId}/changes?limit=1`, { key: keys.viewer })
  const total = planned.body.counts.planned as number
  assert.ok(total > 2, `a session with changes, got ${total}`)
  // Each change's saving is split into its own and its pool effect, and the selection adds up to the saving.
  await page.getByRole('columnheader', { name: 'Pool effect' }).waitFor()
  const detail = await call(server, 'GET', `/api/sessions/${sessionId}`, { key: keys.viewer })
  const usd = (value: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(value)
  await page.locator('#change-selection', { hasText: `${total} changes saving ${usd(detail.body.costBefore - detail.body.costAfter)}` }).waitFor()
  await page.getByLabel('Sort by').selectOption('saving-desc')
  const sorted = await call(server, 'GET', `/api/sessions/${sessionId}/changes?order=saving-desc&limit=2`, { key: keys.viewer })
  await page.locator('#change-table tbody tr').first().getByText(sorted.body.rows[0].iccid).waitFor()
  await page.locator('#change-table tbody input[type="checkbox"]').nth(0).check()
  await page.locator('#change-table tbody input[type="checkbox"]').nth(1).check()
  const picked = sorted.body.rows[0].saving + sorted.body.rows[1].saving
  await page.getByRole('button', { name: `Approve picked (2, saves ${usd(picked)})` }).click()
  // Nothing is approved until the total was shown and confirmed.
  await page.locator('#approve-total', { hasText: `2 changes saving ${usd(picked)}` }).waitFor()
  assert.equal((await call(server, 'GET', `/api/sessions/${sessionId}/changes?status=approved&limit=1`, { key: keys.viewer })).body.selection.changes, 0)
  await snap(page, '05-changes-picked')
  await page.getByRole('button', { name: 'Confirm approval' }).click()
  await page.getByRole('button', { name: new RegExp(`^Approve all planned \\(${total - 2}, saves `) }).waitFor()
  // A filter's planned changes: those onto one plan.
  const toPlan = sorted.body.rows[0].newPlan as string
  const onto = await call(server, 'GET', `/api/sessions/${sessionId}/changes?status=planned&toPlan=${encodeURIComponent(toPlan)}&limit=1`, { key: keys.viewer })
  await page.getByLabel('To plan').fill(toPlan)
  await page.getByRole('button', { name: 'Apply' }).click()
  await page.getByRole('button', { name: `Approve filtered planned (${onto.body.selection.changes}, saves ${usd(onto.body.selection.saving)})` }).click()
  await page.locator('#approve-total', { hasText: `${onto.body.selection.changes} changes saving ${usd(onto.body.selection.saving)}` }).waitFor()
  await page.getByRole('button', { name: 'Confirm approval' }).click()
  await page.getByRole('button', { name: `Approve filtered planned (0, saves ${usd(0)})` }).waitFor()
  await page.getByRole('button', { name: /^Approve all planned/ }).click()
  await page.getByRole('button', { name: 'Confirm approval' }).click()
  // The first approvals may already have shown a go: wait for this click's own answer, none left to approve.
  await page.getByRole('button', { name: /^Approve all planned \(0,/ }).waitFor()
  await page.locator('#push-decision', { hasText: 'go' }).waitFor()
  const approvals = await server.store.db.selectFrom('changes').select(['status', 'approved_by']).execute()
  assert.equal(approvals.length, total)
  assert.ok(approvals.every((change) => change.approved_by === 'api:acme-operator'), JSON.stringify(approvals.filter((change) => change.approved_by !== 'api:acme-operator')))
  // On a go the push runs on the server's worker: the carrier gets every change.
  await eventually('every change pushed and verified', async () => {
    const rows = await server.store.db.selectFrom('changes').select('status').execute()
    return rows.every((row) => row.status === 'verified') ? true : undefined
  })
  await page.reload()
  await page.locator('#change-table tbody tr').first().waitFor()
  await page.getByText('verified').first().waitFor()
  await snap(page, '06-changes-verified')

  // What-if on the example files: 50 rows shown, every SIM downloadable.
  await page.goto(`${server.url}/#/what-if`)
  for (const [label, file] of [['Rate plans', 'plans.csv'], ['Communication plans', 'comm_plans.csv'], ['SIMs', 'sims.csv'], ['Pools', 'pools.csv']] as const) {
    await page.getByLabel(new RegExp(`^${label} \\(`)).setInputFiles(path.join(EXAMPLES, file))
  }
  await page.getByRole('button', { name: 'Optimize' }).click()
  await page.getByText('The first 50 of 3,000 SIMs').waitFor({ timeout: 60_000 })
  const [csv] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name: 'Download every SIM (CSV)' }).click()])
  assert.equal(csv.suggestedFilename(), 'simopt-what-if.csv')
  const downloaded = await readFile((await csv.path())!, 'utf8')
  assert.equal(downloaded.trimEnd().split('\n').length, 1 + 3000)
  await snap(page, '07-what-if')
  assert.deepEqual(problems, [], 'no script errors in the page')
})
