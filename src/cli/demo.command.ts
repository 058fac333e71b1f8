/**
 * `simopt demo` (what `npm start` runs, with `--serve`): the service on its embedded defaults, end to end,
 * on the bundled example fleet. Imports `examples/` as tenant `demo`, runs a session with the local queue
 * in this process (results e-mailed to the outbox folder), says where everything is, and with `--serve`
 * then serves the dashboard with a new API key for tenant demo.
 */
import path from 'node:path'
import { Command } from 'commander'
import { billingPeriodAt } from '../domain/index.js'
import { readProblemFiles } from '../io/index.js'
import { startSession } from '../jobs/sessions.js'
import { ensurePeriod, ensureProvider, ensureTenant } from '../store/accounts.js'
import { importFleet } from '../store/fleet-import.js'
import { createApiKey } from '../store/api-keys.js'
import { report } from './run.command.js'
import { serveUntilStopped } from './serve.command.js'
import { withService } from './service.js'
import { waitForSession } from './session-wait.js'

const EXAMPLES = path.resolve(import.meta.dirname, '../../../examples')
const CYCLE = { timeZone: 'UTC', cycleEndDay: 0, cycleEndHour: 0 }
const DEMO_RECIPIENT = 'operations@demo.example'

export function demoCommand(): Command {
  return new Command('demo')
    .description('import the example fleet as tenant demo and run a session on it, on the configured database and queue')
    .option('--serve', 'then serve the dashboard and the API (what npm start does), with an API key for tenant demo, until Ctrl+C')
    .action(async (options: { serve?: boolean }) => {
      await withService(async (service) => {
        const { store, config } = service
        const period = billingPeriodAt(Date.now(), CYCLE)
        const files = {
          plans: path.join(EXAMPLES, 'plans.csv'),
          pools: path.join(EXAMPLES, 'pools.csv'),
          commPlans: path.join(EXAMPLES, 'comm_plans.csv'),
          sims: path.join(EXAMPLES, 'sims.csv'),
        }
        const problem = await readProblemFiles(files, { periodDays: period.days, prorate: false })
        await store.db.transaction().execute(async (trx) => {
          const tenantId = await ensureTenant(trx, 'demo')
          // Someone to send the results to, so the demo shows the e-mail too (in the outbox folder on the defaults).
          await trx.updateTable('tenants').set({ settings: JSON.stringify({ emailTo: [DEMO_RECIPIENT] }) }).where('id', '=', tenantId).where('settings', '=', '{}').execute()
          const provider = await ensureProvider(trx, tenantId, 'demo', { ...CYCLE, integration: 'files', settings: {} })
          await importFleet(trx, store.dialect, provider, await ensurePeriod(trx, provider, period.name), problem)
        })
        process.stdout.write(`imported ${problem.sims.count} example SIMs as tenant demo, provider demo, period ${period.name}\n`)
        const id = await startSession(store, service.queue(), service.config, { tenant: 'demo', provider: 'demo', period: period.name, trigger: 'manual' })
        const view = await waitForSession(service, id)
        process.exitCode = report(view)
        process.stdout.write(
          [
            `  database:  ${config.databaseUrl}`,
            `  details:   npm run --silent simopt -- status ${id}`,
            `  results:   npm run --silent simopt -- results ${id} --out data/demo-assignment.csv`,
            `  workbook:  npm run --silent simopt -- report ${id} --xlsx data/demo-report.xlsx`,
            `  e-mail:    ${config.smtpUrl === undefined ? `${config.outboxDir} (.eml files)` : 'sent through SIMOPT_SMTP_URL'} to ${DEMO_RECIPIENT}; npm run --silent simopt -- outbox`,
            '',
          ].join('\n'),
        )
        if (options.serve !== true) return
        const tenantId = (await store.db.selectFrom('tenants').select('id').where('name', '=', 'demo').executeTakeFirstOrThrow()).id
        const { key } = await createApiKey(store.db, { tenantId, role: 'admin', name: `npm start ${new Date().toISOString().slice(0, 16)}` })
        process.stdout.write(`  dashboard: log in with the API key ${key} (tenant demo, admin; shown once)\n`)
        await serveUntilStopped(service, {})
      })
    })
}
