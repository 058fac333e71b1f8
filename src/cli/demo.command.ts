/**
 * `simopt demo` (what `npm start` runs, with `--serve`): the whole service on its embedded defaults. A
 * Jasper simulator in this process carries the demo fleet (the 3,000 SIMs of `examples/`); tenant `demo`'s
 * provider is a carrier account on it, with the price sheet imported. A session syncs devices and usage
 * from it over HTTP, optimizes, reports (the results e-mail with the workbook goes to the outbox folder),
 * lists the planned changes with their go / no-go, and the command says where to look; with `--serve` it
 * then serves the dashboard with a new API key for tenant demo, the simulator still running.
 */
import { Command } from 'commander'
import { startJasperSimulator } from '../carriers/jasper/simulator/jasper-simulator.js'
import { billingPeriodAt } from '../domain/index.js'
import { startSession } from '../jobs/sessions.js'
import { ensurePeriod, ensureProvider, ensureTenant } from '../store/accounts.js'
import { createApiKey } from '../store/api-keys.js'
import { importFleet } from '../store/fleet-import.js'
import { sealCredentials } from '../store/provider-credentials.js'
import { secretBox } from '../store/secret-box.js'
import { report } from './run.command.js'
import { serveUntilStopped } from './serve.command.js'
import { withService } from './service.js'
import { waitForSession } from './session-wait.js'

/** Calendar months in UTC, for the simulated account and its provider alike. */
const CYCLE = { timeZone: 'UTC', cycleEndDay: 1, cycleEndHour: 0 }
const DEMO_RECIPIENT = 'operations@demo.example'
/** The fleet of `examples/` (`simopt generate`'s defaults). */
const DEMO_FLEET = { sims: 3000, seed: 1 }
/** A demo need not wait on a real account's 5 calls a second. */
const DEMO_CALLS_PER_SECOND = 100

export function demoCommand(): Command {
  return new Command('demo')
    .description('run a session for tenant demo on a Jasper simulator in this process (the whole service on the configured database and queue), and say where to look')
    .option('--serve', 'then serve the dashboard and the API (what npm start does), with an API key for tenant demo, until Ctrl+C')
    .action(async (options: { serve?: boolean }) => {
      // The demo's carrier is the simulator in this process, on 127.0.0.1: allowed unless the operator said no.
      process.env.SIMOPT_ALLOW_PRIVATE_CARRIER_URLS ||= 'true'
      await withService(async (service) => {
        const { store, config } = service
        const simulator = await startJasperSimulator({ ...DEMO_FLEET, rateLimit: DEMO_CALLS_PER_SECOND, cycle: CYCLE })
        try {
          const period = billingPeriodAt(Date.now(), CYCLE)
          const credentials = sealCredentials(secretBox(config), { user: simulator.user, apiKey: simulator.apiKey, url: simulator.url })
          await store.db.transaction().execute(async (trx) => {
            const tenantId = await ensureTenant(trx, 'demo')
            // Someone to send the results to, so the demo shows the e-mail too (in the outbox folder on the defaults).
            await trx.updateTable('tenants').set({ settings: JSON.stringify({ emailTo: [DEMO_RECIPIENT] }) }).where('id', '=', tenantId).where('settings', '=', '{}').execute()
            const settings = { callsPerSecond: DEMO_CALLS_PER_SECOND }
            const found = await ensureProvider(trx, tenantId, 'demo', { ...CYCLE, integration: 'jasper', settings, baseUrl: simulator.url, sealedCredentials: credentials })
            // The simulator listens on a new port each run (and older demos imported files): point the account at it.
            const provider = { ...found, integration: 'jasper', base_url: simulator.url, credentials, settings: JSON.stringify({ ...JSON.parse(found.settings), ...settings }) }
            await trx.updateTable('service_providers').set({ integration: provider.integration, base_url: provider.base_url, credentials, settings: provider.settings }).where('id', '=', provider.id).execute()
            await importFleet(trx, store.dialect, provider, await ensurePeriod(trx, provider, period.name), simulator.fleet.problem, 'price sheet')
          })
          process.stdout.write(`a Jasper simulator at ${simulator.url} holds the demo fleet (${DEMO_FLEET.sims} SIMs); tenant demo, provider demo, period ${period.name}\n`)
          const id = await startSession(store, service.queue(), config, { tenant: 'demo', provider: 'demo', period: period.name, trigger: 'manual' })
          const view = await waitForSession(service, id)
          process.exitCode = report(view)
          process.stdout.write(
            [
              `  database:  ${config.databaseUrl}`,
              `  details:   npm run --silent simopt -- status ${id}`,
              `  results:   npm run --silent simopt -- results ${id} --out data/demo-assignment.csv`,
              `  workbook:  npm run --silent simopt -- report ${id} --xlsx data/demo-report.xlsx`,
              `  changes:   npm run --silent simopt -- changes ${id}`,
              `  e-mail:    ${config.smtpUrl === undefined ? `${config.outboxDir} (.eml files)` : 'sent through SIMOPT_SMTP_URL'} to ${DEMO_RECIPIENT}; npm run --silent simopt -- outbox`,
              '',
            ].join('\n'),
          )
          if (options.serve !== true) return
          const tenantId = (await store.db.selectFrom('tenants').select('id').where('name', '=', 'demo').executeTakeFirstOrThrow()).id
          const { key } = await createApiKey(store.db, { tenantId, role: 'admin', name: `npm start ${new Date().toISOString().slice(0, 16)}` })
          process.stdout.write(`  dashboard: log in with the API key ${key} (tenant demo, admin; shown once)\n`)
          await serveUntilStopped(service, {})
        } finally {
          await simulator.close()
        }
      })
    })
}
