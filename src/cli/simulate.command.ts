/**
 * `simopt simulate jasper|thingspace|telegence`: a carrier API simulator on 127.0.0.1 (a Jasper REST API,
 * Verizon ThingSpace's, or AT&T Telegence's with its usage report files) to try carrier sync and push
 * against, until stopped.
 */
import { once } from 'node:events'
import { Argument, Command } from 'commander'
import { z } from 'zod'
import { startJasperSimulator } from '../carriers/jasper/simulator/jasper-simulator.js'
import { writeSimulatedPriceSheet } from '../carriers/jasper/simulator/simulated-fleet.js'
import { writeThingSpacePriceSheet } from '../carriers/thingspace/simulator/price-sheet.js'
import { API_BASE } from '../carriers/jasper/jasper-wire.js'
import { startThingSpaceSimulator } from '../carriers/thingspace/simulator/thingspace-simulator.js'
import { writeMobilityPriceSheet } from '../carriers/telegence/simulator/mobility-catalog.js'
import { startTelegenceSimulator } from '../carriers/telegence/simulator/telegence-simulator.js'
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
  /** No default: it differs by carrier (Jasper 5, ThingSpace 10). */
  rateLimit?: string
  errorRate: string
  latencyMs: string
  essential: boolean
  shiftDuringCrawl: boolean
  shiftDuringUsage: string
  writePriceSheet?: string
  timeZone: string
  cycleEndDay: string
  cycleEndHour: string
  appKey: string
  appSecret: string
  tokenTtlSeconds: string
  revokeTokensEvery: string
  loseCallbacks: string
  callbackDelayMs: string
  suspendDuringPush: string
  processingMs: string
  pageSize: string
  appId: string
  fan: string
  bans?: string
  feedFolder?: string
  feedEveryMinutes: string
  dropChangeEvery: string
}

const CARRIERS = ['jasper', 'thingspace', 'telegence'] as const
type Carrier = (typeof CARRIERS)[number]

/** Options only some carriers' simulators have, by the option's attribute name. */
const ONLY_FOR: Readonly<Partial<Record<keyof SimulateCommandOptions, readonly Carrier[]>>> = {
  essential: ['jasper'],
  shiftDuringCrawl: ['jasper'],
  shiftDuringUsage: ['jasper'],
  appKey: ['thingspace'],
  appSecret: ['thingspace', 'telegence'],
  tokenTtlSeconds: ['thingspace'],
  revokeTokensEvery: ['thingspace'],
  loseCallbacks: ['thingspace'],
  callbackDelayMs: ['thingspace'],
  suspendDuringPush: ['thingspace'],
  processingMs: ['thingspace'],
  pageSize: ['thingspace'],
  user: ['jasper', 'thingspace'],
  apiKey: ['jasper', 'thingspace'],
  appId: ['telegence'],
  fan: ['telegence'],
  bans: ['telegence'],
  feedFolder: ['telegence'],
  feedEveryMinutes: ['telegence'],
  dropChangeEvery: ['telegence'],
}

/** A share from 0 to 1, given as text. */
const shareOption = z
  .string()
  .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, { error: (issue) => `must be a share from 0 to 1 such as 0.05, got ${quoteInput(issue.input)}` })
  .transform(Number)

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('run a simulated carrier API on 127.0.0.1 (a seeded synthetic fleet) until stopped with Ctrl+C')
    .addArgument(new Argument('<carrier>', 'the carrier API to simulate').choices([...CARRIERS]))
    .option('--port <port>', 'port on 127.0.0.1 (0: any free port)', '8089')
    .option('--sims <count>', 'number of SIMs in the account', '3000')
    .option('--seed <number>', 'random seed; the same seed gives the same fleet', '1')
    .option('--plans <count>', 'number of rate plans', '12')
    .option('--user <name>', 'user name clients authenticate with (thingspace: the session login user)', 'demo')
    .option('--api-key <key>', 'API key clients authenticate with (thingspace: the session login password)', 'demo-key')
    .option('--rate-limit <calls>', 'calls per second the account may make; more answer error 40000029 (jasper, default 5) or 429 (thingspace, default 10)')
    .option('--error-rate <share>', 'share of calls answered with a server error (jasper: 30000001; thingspace: HTTP 500), 0 to 1', '0')
    .option('--latency-ms <ms>', 'delay added to every answer', '0')
    .option('--essential', 'an Essential account: usage by rate plan (GET /usages) is refused with 10000030', false)
    .option('--shift-during-crawl', 'change a device on an already served page while a client pages through GET /devices', false)
    .option('--time-zone <zone>', 'the account\'s billing time zone', 'UTC')
    .option('--cycle-end-day <day>', 'day of the month its billing cycles end on, at the cycle end hour (1 with hour 0: calendar months; 0 means 1)', '1')
    .option('--cycle-end-hour <hour>', 'hour of that day, in the billing time zone', '0')
    .option('--shift-during-usage <count>', 'move this many devices, one at a time, between a rate plan whose GET /usages pages were all served and one not asked for yet', '0')
    .option('--write-price-sheet <folder>', 'write the account\'s price sheet, communication plans and SIMs as simopt CSV files to this folder')
    .option('--app-key <key>', 'thingspace: the OAuth2 client id (app key)', 'demo-app-key')
    .option('--app-secret <secret>', 'thingspace: the OAuth2 client secret (app secret); telegence: the app-secret', 'demo-app-secret')
    .option('--token-ttl-seconds <seconds>', 'thingspace: lifetime of access and session tokens (short ones expire mid-sync)', '3600')
    .option('--revoke-tokens-every <calls>', 'thingspace: every token stops working after this many calls, as when the carrier expires them early (0: never)', '0')
    .option('--lose-callbacks <share>', 'thingspace: share of plan change callbacks never sent, 0 to 1', '0')
    .option('--callback-delay-ms <ms>', 'thingspace: delay before a plan change callback is sent', '0')
    .option('--suspend-during-push <n>', 'thingspace: suspend the device of the nth accepted plan change right after it is accepted (0: never)', '0')
    .option('--processing-ms <ms>', 'thingspace: how long a plan change takes to be done', '2000')
    .option('--page-size <devices>', 'thingspace: devices per device list answer', '2000')
    .option('--app-id <id>', 'telegence: the app-id clients authenticate with', 'demo-app-id')
    .option('--fan <number>', 'telegence: the foundation account number', '90000001')
    .option('--bans <count>', 'telegence: billing accounts the subscribers are spread over (default: one per 25,000, at least 2)')
    .option('--feed-folder <folder>', 'telegence: write the usage report files (daily export, data files, last cycle\'s final file) to this folder, the one an SFTP server serves')
    .option('--feed-every-minutes <minutes>', 'telegence: write a new data file this often while running (0: never)', '180')
    .option('--drop-change-every <n>', 'telegence: answer every nth SOC change as done without making it (0: never)', '0')
    .action(async (carrier: Carrier, options: SimulateCommandOptions, command: Command) => {
      for (const [name, carriers] of Object.entries(ONLY_FOR)) {
        if (command.getOptionValueSource(name) === 'cli' && !carriers.includes(carrier)) {
          throw new SimoptError('INPUT_INVALID', `option --${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} is for simulate ${carriers.join(' or ')}, not ${carrier}`)
        }
      }
      if (carrier === 'jasper') await simulateJasper(options)
      else if (carrier === 'thingspace') await simulateThingSpace(options)
      else await simulateTelegence(options)
    })
}

async function simulateJasper(options: SimulateCommandOptions): Promise<void> {
  const common = commonOptions(options, 5)
  const { port, cycle: { timeZone } } = common
  const simulator = await startJasperSimulator({
    ...common,
    user: parseOption('--user', options.user, z.string().min(1, { error: 'must not be empty' }).regex(/^[^:]*$/, { error: 'must not contain a colon' })),
    apiKey: parseOption('--api-key', options.apiKey, z.string().min(1, { error: 'must not be empty' })),
    advantage: !options.essential,
    shiftDuringCrawl: options.shiftDuringCrawl,
    shiftDuringUsage: parseOption('--shift-during-usage', options.shiftDuringUsage, wholeNumberOption(0, 1_000_000, 'devices')),
  }).catch(portInUse(port))
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
    await runningUntilStopped('Jasper')
  } finally {
    await simulator.close()
  }
}

async function simulateThingSpace(options: SimulateCommandOptions): Promise<void> {
  const common = commonOptions(options, 10)
  const { port, cycle: { timeZone } } = common
  const nonEmpty = z.string().min(1, { error: 'must not be empty' })
  const simulator = await startThingSpaceSimulator({
    ...common,
    username: parseOption('--user', options.user, nonEmpty),
    password: parseOption('--api-key', options.apiKey, nonEmpty),
    appKey: parseOption('--app-key', options.appKey, nonEmpty.regex(/^[^:]*$/, { error: 'must not contain a colon' })),
    appSecret: parseOption('--app-secret', options.appSecret, nonEmpty),
    tokenTtlSeconds: parseOption('--token-ttl-seconds', options.tokenTtlSeconds, wholeNumberOption(1, 86_400, 'seconds')),
    revokeTokensEvery: parseOption('--revoke-tokens-every', options.revokeTokensEvery, wholeNumberOption(0, 1_000_000_000, 'calls')),
    loseCallbacks: parseOption('--lose-callbacks', options.loseCallbacks, shareOption),
    callbackDelayMs: parseOption('--callback-delay-ms', options.callbackDelayMs, wholeNumberOption(0, 3_600_000, 'ms')),
    suspendDuringPush: parseOption('--suspend-during-push', options.suspendDuringPush, wholeNumberOption(0, 1_000_000_000)),
    processingMs: parseOption('--processing-ms', options.processingMs, wholeNumberOption(0, 3_600_000, 'ms')),
    pageSize: parseOption('--page-size', options.pageSize, wholeNumberOption(1, 2000, 'devices')),
  }).catch(portInUse(port))
  try {
    const { account, faults } = simulator
    const cycle = account.cycleAt(Date.now())
    process.stdout.write(
      [
        `ThingSpace simulator at ${simulator.url} (OAuth at /api/ts/v1/oauth2/token, API under /api/m2m/v1)`,
        `  OAuth client: app key ${simulator.appKey}, app secret ${simulator.appSecret}`,
        `  session login: user ${simulator.username}, password ${simulator.password}`,
        `  account ${account.accountName}: ${formatCount(account.size)} devices, ${account.servicePlans.length} service plans, cycle ${cycle.name} (from ${localMinute(cycle.start, timeZone)})`,
        `  at most ${faults.rateLimit} calls per second; server errors on ${faults.errorRate * 100}% of calls; ${faults.latencyMs} ms latency; tokens live ${faults.tokenTtlSeconds} s`,
        `  plan changes done after ${options.processingMs} ms; ${faults.loseCallbacks * 100}% of callbacks lost, the rest sent after ${faults.callbackDelayMs} ms`,
        `  add it: simopt provider add --tenant T --name P --integration thingspace --url ${simulator.url} --client-id ${simulator.appKey} --client-secret … --user ${simulator.username} --password … --account ${account.accountName}`,
        '',
      ].join('\n'),
    )
    if (options.writePriceSheet !== undefined) {
      // Its comm_plans.csv names the account, the communication plan simopt gives every ThingSpace device.
      await writeThingSpacePriceSheet(options.writePriceSheet, account)
      process.stdout.write(`  wrote plans.csv, pools.csv, comm_plans.csv and sims.csv to ${options.writePriceSheet}\n`)
    }
    await runningUntilStopped('ThingSpace')
  } finally {
    await simulator.close()
  }
}

async function simulateTelegence(options: SimulateCommandOptions): Promise<void> {
  const common = commonOptions(options, 20)
  const { port, cycle: { timeZone } } = common
  const nonEmpty = z.string().min(1, { error: 'must not be empty' })
  const feedEvery = parseOption('--feed-every-minutes', options.feedEveryMinutes, wholeNumberOption(0, 10_080, 'minutes'))
  const simulator = await startTelegenceSimulator({
    ...common,
    appId: parseOption('--app-id', options.appId, nonEmpty),
    appSecret: parseOption('--app-secret', options.appSecret, nonEmpty),
    fan: parseOption('--fan', options.fan, z.string().regex(/^[A-Za-z0-9]{1,20}$/, { error: (issue) => `must be 1 to 20 letters or digits, got ${quoteInput(String(issue.input))}` })),
    ...(options.bans === undefined ? {} : { bans: parseOption('--bans', options.bans, wholeNumberOption(1, 1000, 'billing accounts')) }),
    dropChangeEvery: parseOption('--drop-change-every', options.dropChangeEvery, wholeNumberOption(0, 1_000_000_000)),
    ...(options.feedFolder === undefined ? {} : { feedFolder: options.feedFolder }),
  }).catch(portInUse(port))
  let timer: NodeJS.Timeout | undefined
  try {
    const { account, faults, reports } = simulator
    const cycle = account.cycleAt(Date.now())
    process.stdout.write(
      [
        `Telegence simulator at ${simulator.url} (API under /sp/mobility/api/v1)`,
        `  headers app-id ${simulator.appId}, app-secret ${simulator.appSecret}`,
        `  FAN ${account.fan}: ${formatCount(account.size)} subscribers on ${account.bans.length} BANs, cycle ${cycle.name} (from ${localMinute(cycle.start, timeZone)})`,
        `  at most ${faults.rateLimit} calls per second; server errors on ${faults.errorRate * 100}% of calls; ${faults.latencyMs} ms latency`,
        '',
      ].join('\n'),
    )
    if (reports !== undefined) {
      const written = await reports.history(Date.now())
      process.stdout.write(`  wrote ${written.length} usage report files to ${reports.folder}${feedEvery > 0 ? `; a data file every ${feedEvery} minutes` : ''}\n`)
      // A failed write (the folder removed) is reported and the next one tried.
      if (feedEvery > 0) timer = setInterval(() => void reports.data(Date.now()).catch((error: unknown) => process.stderr.write(`could not write a data file: ${String(error)}\n`)), feedEvery * 60_000)
    }
    process.stdout.write(`  add it: simopt provider add --tenant T --name P --integration telegence --url ${simulator.url} --client-id ${simulator.appId} --client-secret … --account ${account.fan} --sftp-url sftp://HOST:PORT${reports?.folder ?? '/FOLDER'} --user SFTP-USER --sftp-key-file KEY\n`)
    if (options.writePriceSheet !== undefined) {
      const { plans } = await writeMobilityPriceSheet(options.writePriceSheet)
      process.stdout.write(`  wrote ${plans}: import it with simopt import --fleet mobility --plans ${plans}\n`)
    }
    await runningUntilStopped('Telegence')
  } finally {
    if (timer !== undefined) clearInterval(timer)
    await simulator.close()
  }
}

function portInUse(port: number): (error: unknown) => never {
  return (error) => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new SimoptError('INPUT_INVALID', `option --port: port ${port} is in use`)
    throw error
  }
}

/** The options both simulators take alike: where, how big, how fast, how faulty, and the billing cycle. */
function commonOptions(options: SimulateCommandOptions, defaultRateLimit: number) {
  const port = parseOption('--port', options.port, wholeNumberOption(0, 65_535))
  const { timeZone = 'UTC', cycleEndDay = 1, cycleEndHour = 0 } = cycleOptions(options)
  return {
    port,
    sims: parseOption('--sims', options.sims, wholeNumberOption(1, 1_000_000)),
    seed: parseOption('--seed', options.seed, wholeNumberOption(0, 2 ** 32 - 1)),
    plans: parseOption('--plans', options.plans, wholeNumberOption(1, 1000)),
    rateLimit: parseOption('--rate-limit', options.rateLimit ?? String(defaultRateLimit), wholeNumberOption(1, 10_000, 'calls per second')),
    errorRate: parseOption('--error-rate', options.errorRate, shareOption),
    latencyMs: parseOption('--latency-ms', options.latencyMs, wholeNumberOption(0, 600_000, 'ms')),
    cycle: { timeZone, cycleEndDay, cycleEndHour },
  }
}

/** Serves until Ctrl+C (or SIGTERM). */
async function runningUntilStopped(carrier: string): Promise<void> {
  process.stderr.write(`${carrier} simulator running; stop with Ctrl+C\n`)
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
}
