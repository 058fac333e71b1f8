/** `simopt simulate jasper`: a Jasper REST API simulator on 127.0.0.1 to try carrier sync against, until stopped. */
import { once } from 'node:events'
import { Argument, Command } from 'commander'
import { z } from 'zod'
import { startJasperSimulator } from '../carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../carriers/jasper/simulator/simulated-fleet.js'
import { API_BASE } from '../carriers/jasper/jasper-wire.js'
import { SimoptError, localMinute, quoteInput } from '../domain/index.js'
import { formatCount } from './format.js'
import { parseOption, wholeNumberOption } from './options.js'
import { cycleOptions } from './provider.command.js'

interface SimulateCommandOptions {
  port: string
  sims: string
  seed: string
  plans: string
  user: string
  apiKey: string
  rateLimit: string
  errorRate: string
  latencyMs: string
  essential: boolean
  shiftDuringCrawl: boolean
  shiftDuringUsage: string
  writePriceSheet?: string
  timeZone: string
  cycleEndDay: string
  cycleEndHour: string
}

/** A share from 0 to 1, given as text. */
const shareOption = z
  .string()
  .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, { error: (issue) => `must be a share from 0 to 1 such as 0.05, got ${quoteInput(issue.input)}` })
  .transform(Number)

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('run a simulated carrier API on 127.0.0.1 (a seeded synthetic fleet) until stopped with Ctrl+C')
    .addArgument(new Argument('<carrier>', 'the carrier API to simulate').choices(['jasper']))
    .option('--port <port>', 'port on 127.0.0.1 (0: any free port)', '8089')
    .option('--sims <count>', 'number of SIMs in the account', '3000')
    .option('--seed <number>', 'random seed; the same seed gives the same fleet', '1')
    .option('--plans <count>', 'number of rate plans', '12')
    .option('--user <name>', 'user name clients authenticate with', 'demo')
    .option('--api-key <key>', 'API key clients authenticate with', 'demo-key')
    .option('--rate-limit <calls>', 'calls per second the account may make; more answer error 40000029', '5')
    .option('--error-rate <share>', 'share of calls answered with server error 30000001, 0 to 1', '0')
    .option('--latency-ms <ms>', 'delay added to every answer', '0')
    .option('--essential', 'an Essential account: usage by rate plan (GET /usages) is refused with 10000030', false)
    .option('--shift-during-crawl', 'change a device on an already served page while a client pages through GET /devices', false)
    .option('--time-zone <zone>', 'the account\'s billing time zone', 'UTC')
    .option('--cycle-end-day <day>', 'day of the month its billing cycles end on, at the cycle end hour (1 with hour 0: calendar months; 0 means 1)', '1')
    .option('--cycle-end-hour <hour>', 'hour of that day, in the billing time zone', '0')
    .option('--shift-during-usage <count>', 'move this many devices, one at a time, between a rate plan whose GET /usages pages were all served and one not asked for yet', '0')
    .option('--write-price-sheet <folder>', 'write the account\'s price sheet, communication plans and SIMs as simopt CSV files to this folder')
    .action(async (_carrier: 'jasper', options: SimulateCommandOptions) => {
      const port = parseOption('--port', options.port, wholeNumberOption(0, 65_535))
      const { timeZone = 'UTC', cycleEndDay = 1, cycleEndHour = 0 } = cycleOptions(options)
      const simulator = await startJasperSimulator({
        port,
        sims: parseOption('--sims', options.sims, wholeNumberOption(1, 1_000_000)),
        seed: parseOption('--seed', options.seed, wholeNumberOption(0, 2 ** 32 - 1)),
        plans: parseOption('--plans', options.plans, wholeNumberOption(1, 1000)),
        user: parseOption('--user', options.user, z.string().min(1, { error: 'must not be empty' }).regex(/^[^:]*$/, { error: 'must not contain a colon' })),
        apiKey: parseOption('--api-key', options.apiKey, z.string().min(1, { error: 'must not be empty' })),
        rateLimit: parseOption('--rate-limit', options.rateLimit, wholeNumberOption(1, 10_000, 'calls per second')),
        errorRate: parseOption('--error-rate', options.errorRate, shareOption),
        latencyMs: parseOption('--latency-ms', options.latencyMs, wholeNumberOption(0, 600_000, 'ms')),
        advantage: !options.essential,
        shiftDuringCrawl: options.shiftDuringCrawl,
        cycle: { timeZone, cycleEndDay, cycleEndHour },
        shiftDuringUsage: parseOption('--shift-during-usage', options.shiftDuringUsage, wholeNumberOption(0, 1_000_000, 'devices')),
      }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new SimoptError('INPUT_INVALID', `option --port: port ${port} is in use`)
        throw error
      })
      try {
        const { fleet, faults } = simulator
        process.stdout.write(
          [
            `Jasper simulator at ${simulator.url}${API_BASE}`,
            `  Basic auth: user ${simulator.user}, API key ${simulator.apiKey}`,
            `  account ${fleet.accountId} (${options.essential ? 'Essential' : 'Advantage'}): ${formatCount(fleet.size)} SIMs, ${fleet.plans.length} rate plans, cycle ${fleet.cycleAt(Date.now()).name} (from ${localMinute(fleet.cycleAt(Date.now()).start, timeZone)})`,
            `  at most ${faults.rateLimit} calls per second; server errors on ${faults.errorRate * 100}% of calls; ${faults.latencyMs} ms latency`,
            '',
          ].join('\n'),
        )
        if (options.writePriceSheet !== undefined) {
          await writeSimulatedPriceSheet(options.writePriceSheet, fleet)
          process.stdout.write(`  wrote plans.csv, pools.csv, comm_plans.csv and sims.csv to ${options.writePriceSheet}\n`)
        }
        process.stderr.write('Jasper simulator running; stop with Ctrl+C\n')
        await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
      } finally {
        await simulator.close()
      }
    })
}
