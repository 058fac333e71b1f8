/**
 * `simopt demo` (what `npm start` runs, with `--serve`): the whole service on its embedded defaults, on
 * both carriers. A Jasper simulator in this process carries the demo fleet (the 3,000 SIMs of `examples/`)
 * and a ThingSpace simulator a smaller one; tenant `demo` has a provider on each (`demo` and `thingspace`),
 * with its price sheet imported. A session per provider syncs devices and usage over HTTP (Jasper by plan,
 * ThingSpace device by device), optimizes, reports (the results e-mails with the workbook go to the outbox
 * folder), lists the planned changes with their go / no-go, and the command says where to look; with
 * `--serve` it then serves the dashboard with a new API key for tenant demo, the simulators still running.
 */
import { Command } from 'commander'
import { startJasperSimulator } from '../carriers/jasper/simulator/jasper-simulator.js'
import type { SimulatedAccount } from '../carriers/thingspace/simulator/simulated-account.js'
import { startThingSpaceSimulator, type ThingSpaceSimulator } from '../carriers/thingspace/simulator/thingspace-simulator.js'
import { billingPeriodAt, type Problem } from '../domain/index.js'
import { startSession } from '../jobs/sessions.js'
import { createApiKey } from '../services/api-keys.service.js'
import { DEMO_PROVIDER, DEMO_TENANT, DEMO_THINGSPACE_PROVIDER, prepareDemoAccount } from '../services/demo.service.js'
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
/** ThingSpace reads usage one call a SIM: a smaller fleet, a faster account, calls in parallel, to stay quick. */
const THINGSPACE_FLEET = { sims: 1000, seed: 2 }
const THINGSPACE_CALLS_PER_SECOND = 200
const THINGSPACE_CALLS_IN_FLIGHT = 4

/** The account's price sheet as simopt imports it: ThingSpace has no communication plans, so one named after the account allows every plan. */
function thingSpacePriceSheet(account: SimulatedAccount): Problem {
  return { ...account.problem, commPlans: [{ name: account.accountName, allowedPlans: account.servicePlans.map((_, index) => index) }] }
}

/** The commands that show a session's outcome; `suffix` keeps the two sessions' files apart. */
function whereToLook(id: string, suffix: string): string[] {
  return [
    `  details:   npm run --silent simopt -- status ${id}`,
    `  results:   npm run --silent simopt -- results ${id} --out data/demo-assignment${suffix}.csv`,
    `  workbook:  npm run --silent simopt -- report ${id} --xlsx data/demo-report${suffix}.xlsx`,
    `  changes:   npm run --silent simopt -- changes ${id}`,
  ]
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('run sessions for tenant demo on a Jasper and a ThingSpace simulator in this process (the whole service on the configured database and queue), and say where to look')
    .option('--serve', 'then serve the dashboard and the API (what npm start does), with an API key for tenant demo, until Ctrl+C')
    .action(async (options: { serve?: boolean }) => {
      // The demo's carrier is the simulator in this process, on 127.0.0.1: allowed unless the operator said no.
      process.env.SIMOPT_ALLOW_PRIVATE_CARRIER_URLS ||= 'true'
      await withService(async (service) => {
        const { config } = service
        const simulator = await startJasperSimulator({ ...DEMO_FLEET, rateLimit: DEMO_CALLS_PER_SECOND, cycle: CYCLE })
        let thingspace: ThingSpaceSimulator | undefined
        try {
          thingspace = await startThingSpaceSimulator({ ...THINGSPACE_FLEET, rateLimit: THINGSPACE_CALLS_PER_SECOND, cycle: CYCLE })
          const period = billingPeriodAt(Date.now(), CYCLE)
          await prepareDemoAccount(service, {
            provider: DEMO_PROVIDER,
            integration: 'jasper',
            credentials: { url: simulator.url, user: simulator.user, apiKey: simulator.apiKey },
            cycle: CYCLE,
            callsPerSecond: DEMO_CALLS_PER_SECOND,
            recipient: DEMO_RECIPIENT,
            problem: simulator.fleet.problem,
            period: period.name,
          })
          const { appKey, appSecret, username, password, account } = thingspace
          await prepareDemoAccount(service, {
            provider: DEMO_THINGSPACE_PROVIDER,
            integration: 'thingspace',
            credentials: { url: thingspace.url, user: username, apiKey: password, carrierAccount: { clientId: appKey, clientSecret: appSecret, accountName: account.accountName } },
            cycle: CYCLE,
            callsPerSecond: THINGSPACE_CALLS_PER_SECOND,
            callsInFlight: THINGSPACE_CALLS_IN_FLIGHT,
            recipient: DEMO_RECIPIENT,
            problem: thingSpacePriceSheet(account),
            period: period.name,
          })
          process.stdout.write(`a Jasper simulator at ${simulator.url} holds the demo fleet (${DEMO_FLEET.sims} SIMs); tenant demo, provider demo, period ${period.name}\n`)
          process.stdout.write(`a ThingSpace simulator at ${thingspace.url} holds account ${account.accountName} (${THINGSPACE_FLEET.sims} SIMs); tenant demo, provider ${DEMO_THINGSPACE_PROVIDER}, period ${period.name}\n`)
          const start = (provider: string) => startSession(service.store, service.queue(), config, { tenant: DEMO_TENANT, provider, period: period.name, trigger: 'manual' })
          // One session of a tenant and period runs at a time: the ThingSpace one starts when the Jasper one ends.
          const email = `  e-mail:    ${config.smtpUrl === undefined ? `${config.outboxDir} (.eml files)` : 'sent through SIMOPT_SMTP_URL'} to ${DEMO_RECIPIENT}; npm run --silent simopt -- outbox`
          const jasperSession = await start(DEMO_PROVIDER)
          process.exitCode = report(await waitForSession(service, jasperSession))
          process.stdout.write([`  database:  ${config.databaseUrl}`, ...whereToLook(jasperSession, ''), email, ''].join('\n'))
          const thingspaceSession = await start(DEMO_THINGSPACE_PROVIDER)
          process.exitCode = Math.max(process.exitCode, report(await waitForSession(service, thingspaceSession)))
          process.stdout.write([`provider ${DEMO_THINGSPACE_PROVIDER} (ThingSpace):`, ...whereToLook(thingspaceSession, '-thingspace'), ''].join('\n'))
          if (options.serve !== true) return
          const { key } = await createApiKey(service, { tenant: DEMO_TENANT, role: 'admin', name: `npm start ${new Date().toISOString().slice(0, 16)}` })
          process.stdout.write(`  dashboard: log in with the API key ${key} (tenant demo, admin; shown once)\n`)
          await serveUntilStopped(service, {})
        } finally {
          await simulator.close()
          await thingspace?.close()
        }
      })
    })
}
