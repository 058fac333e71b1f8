/**
 * deploy/prometheus and deploy/grafana against promtool and against what simopt really exports: the rules
 * and the Prometheus config pass `promtool check`, the rules' unit tests (`alerts.test.yml`) pass, real
 * /metrics scrapes of the API and of a worker pass `promtool check metrics`, and every metric the rules and
 * the dashboard name is in one of those scrapes.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { access, copyFile, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it, type TestContext } from 'node:test'
import { serveWorkerEndpoints } from '../../src/api/worker-endpoints.js'
import { finishedSession, importedFleet } from '../helpers/api-fleet.js'
import { startApiServer, tenantKeys } from '../helpers/api-server.js'
import { REPO_ROOT } from '../helpers/paths.js'
import { tempDir } from '../helpers/temp-dir.js'

const PROMTOOL = process.env.SIMOPT_TEST_PROMTOOL ?? '/usr/bin/promtool'
const PROMETHEUS = path.join(REPO_ROOT, 'deploy/prometheus')
const DASHBOARD = path.join(REPO_ROOT, 'deploy/grafana/simopt-dashboard.json')
/** Every metric simopt exports starts so: prom-client's defaults (`process_`, `nodejs_`) and its own. */
const METRIC_NAME = /\b(?:simopt|process|nodejs)_[a-z0-9_]+\b/g

/**
 * prom-client's own default gauges whose names end in `_total`, which promtool's lint reports; not ours to
 * rename (dashboards everywhere use them). Anything else promtool says fails the test.
 */
const PROM_CLIENT_LINTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

/** Runs promtool; its exit code and output. */
function promtool(args: readonly string[], input?: string, cwd = PROMETHEUS): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { cwd })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.on('error', reject).on('close', (code) => resolve({ code, output }))
    child.stdin.end(input ?? '')
  })
}

/** Outside CI a machine without promtool skips; CI installs it (.ci/run), so there it fails. */
async function promtoolOrSkip(t: TestContext): Promise<boolean> {
  try {
    await access(PROMTOOL)
    return true
  } catch {
    if (process.env.CI === 'true') throw new Error(`${PROMTOOL} is missing; CI needs it (.ci/run installs Debian's prometheus)`)
    t.skip(`skipped: ${PROMTOOL} is not installed (Debian: apt-get install prometheus)`)
    return false
  }
}

/** The metric names a scrape declares; a histogram's series (`_bucket`, `_sum`, `_count`) with it. */
function declaredNames(scrape: string): Set<string> {
  const names = new Set<string>()
  for (const [, name, type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!)
    if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`)
  }
  return names
}

describe('alert rules and the dashboard', () => {
  const scrapes = { api: '', worker: '' }
  before(async () => {
    // A finished session, so that the fleet's figures have series, on a server as `simopt serve` builds it.
    const server = await startApiServer()
    const keys = await tenantKeys(server.store, 'acme')
    await importedFleet(server, 'acme')
    await server.startWorker()
    await finishedSession(server, keys.operator)
    const worker = await serveWorkerEndpoints(server.store, { host: '127.0.0.1', port: 0 }, undefined)
    after(() => worker.close())
    scrapes.api = await (await fetch(`${server.url}/metrics`)).text()
    scrapes.worker = await (await fetch(`${worker.url}/metrics`)).text()
    // A worker given the metrics token answers only a scraper that sends it.
    const guarded = await serveWorkerEndpoints(server.store, { host: '127.0.0.1', port: 0 }, 'a metrics token, long enough')
    after(() => guarded.close())
    guardedAnswers.without = (await fetch(`${guarded.url}/metrics`)).status
    guardedAnswers.with = (await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer a metrics token, long enough' } })).status
    guardedAnswers.health = (await fetch(`${guarded.url}/healthz`)).status
  })
  const guardedAnswers = { without: 0, with: 0, health: 0 }

  it("a worker's /metrics with SIMOPT_METRICS_TOKEN set needs the token; /healthz does not", () => {
    assert.deepEqual(guardedAnswers, { without: 401, with: 200, health: 200 })
  })

  it('pass promtool check rules, check config and their unit tests', async (t: TestContext) => {
    if (!(await promtoolOrSkip(t))) return
    // The config names the metrics token's file where compose mounts it; promtool wants it to exist, so the
    // check reads a copy pointing at a token file of the test's (the rules file beside it, as in the container).
    const folder = await tempDir()
    await writeFile(path.join(folder, 'metrics-token'), 'a metrics token, long enough\n')
    await copyFile(path.join(PROMETHEUS, 'alerts.yml'), path.join(folder, 'alerts.yml'))
    const config = await readFile(path.join(PROMETHEUS, 'prometheus.yml'), 'utf8')
    assert.match(config, /credentials_file: \/etc\/prometheus\/metrics-token$/m, 'Prometheus sends the metrics token')
    await writeFile(path.join(folder, 'prometheus.yml'), config.replaceAll('/etc/prometheus/metrics-token', path.join(folder, 'metrics-token')))
    for (const [args, cwd] of [[['check', 'rules', 'alerts.yml'], PROMETHEUS], [['check', 'config', 'prometheus.yml'], folder], [['test', 'rules', 'alerts.test.yml'], PROMETHEUS]] as const) {
      const run = await promtool(args, undefined, cwd)
      assert.equal(run.code, 0, `promtool ${args.join(' ')}: ${run.output}`)
    }
  })

  it('real scrapes of the API and of a worker pass promtool check metrics', async (t: TestContext) => {
    if (!(await promtoolOrSkip(t))) return
    for (const [process, scrape] of Object.entries(scrapes)) {
      assert.match(scrape, /^simopt_/m, `the ${process} scrape has simopt's metrics`)
      const run = await promtool(['check', 'metrics'], scrape)
      const findings = run.output.split('\n').filter((line) => line.trim() !== '' && !PROM_CLIENT_LINTS.some((name) => line.startsWith(`${name} `)))
      assert.deepEqual(findings, [], `the ${process}'s /metrics: ${run.output}`)
      assert.ok(run.code === 0 || run.output.trim() !== '', 'a failing check says why')
    }
  })

  it('name only metrics a real scrape has', async () => {
    const exported = new Set([...declaredNames(scrapes.api), ...declaredNames(scrapes.worker)])
    for (const file of [path.join(PROMETHEUS, 'alerts.yml'), DASHBOARD]) {
      const named = new Set((await readFile(file, 'utf8')).match(METRIC_NAME) ?? [])
      assert.ok(named.size >= 8, `${file} names metrics (${[...named].join(', ')})`)
      assert.deepEqual([...named].filter((name) => !exported.has(name)), [], `${path.basename(file)} names metrics no scrape has`)
    }
  })

  it('the dashboard is one Grafana dashboard with a Prometheus query on every panel', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { title: string; panels: { title: string; targets: { expr: string }[] }[] }
    assert.equal(dashboard.title, 'simopt')
    for (const panel of dashboard.panels) assert.ok(panel.targets.length > 0 && panel.targets.every((target) => target.expr.trim() !== ''), `panel ${panel.title} has its queries`)
    // The alerts' figures are on it: each rule's metrics appear in some panel.
    const rules = await readFile(path.join(PROMETHEUS, 'alerts.yml'), 'utf8')
    const onPanels = new Set(dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => target.expr.match(METRIC_NAME) ?? [])))
    assert.deepEqual([...new Set(rules.match(METRIC_NAME) ?? [])].filter((name) => !onPanels.has(name)), [])
  })
})
