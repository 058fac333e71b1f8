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
import { createApiKey } from '../services/api-keys.service.js'
import { DEMO_PROVIDER, DEMO_TENANT, prepareDemoAccount } from '../services/demo.service.js'
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
        const { config } = service
        const simulator = await startJasperSimulator({ ...DEMO_FLEET, rateLimit: DEMO_CALLS_PER_SECOND, cycle: CYCLE })
        try {
          const period = billingPeriodAt(Date.now(), CYCLE)
          await prepareDemoAccount(service, {
            url: simulator.url,
            user: simulator.user,
            apiKey: simulator.apiKey,
            cycle: CYCLE,
            callsPerSecond: DEMO_CALLS_PER_SECOND,
            recipient: DEMO_RECIPIENT,
            problem: simulator.fleet.problem,
            period: period.name,
          })
          process.stdout.write(`a Jasper simulator at ${simulator.url} holds the demo fleet (${DEMO_FLEET.sims} SIMs); tenant demo, provider demo, period ${period.name}\n`)
          const id = await startSession(service.store, service.queue(), config, { tenant: DEMO_TENANT, provider: DEMO_PROVIDER, period: period.name, trigger: 'manual' })
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
          const { key } = await createApiKey(service, { tenant: DEMO_TENANT, role: 'admin', name: `npm start ${new Date().toISOString().slice(0, 16)}` })
          process.stdout.write(`  dashboard: log in with the API key ${key} (tenant demo, admin; shown once)\n`)
          await serveUntilStopped(service, {})
        } finally {
          await simulator.close()
        }
      })
    })
}
