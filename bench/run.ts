/**
 * `npm run bench`: the figures the issues ask for, measured in one run on this machine, every method on
 * the same generated instances (bench/instances.ts). Prints markdown tables and a line per target.
 *
 * Optimizer table (issue 3): our strategy, the old system's method (`seed`), and HiGHS (the LP relaxation
 * and the MILP, 60 s each, in a child process each). End to end: `simopt optimize` from CSV files on 1M SIMs.
 * Service (issue 4): 1M SIMs imported, optimized as a session and exported, on SQLite and PostgreSQL; and
 * (issue 6) the whole report workbook of that session, written by `simopt report --xlsx`.
 * Sync (issue 5): a session's carrier sync from the Jasper simulator, 10k SIMs at 5 calls/s, 100k at 200.
 * Push (issue 7): 10k rate plan changes pushed to the simulator at 5 calls/s.
 * API (issue 8): requests per second and p50/p99 latency of the results endpoint on a 1M-SIM session.
 * Seeds: the optimizer's gap on other generated fleets (seeds 1-4) at 10k SIMs.
 * Sync under faults (issue 16): 20k SIMs at 40 calls/s with 20% of calls failing, Essential and Advantage
 * (`--faults-sims N` for a smaller fleet).
 * Hard: the optimizer on hard catalogs (100 pooled-heavy plans, 240 plans in clusters, realistic 36/40), issue 18.
 * ThingSpace (issue 19): a 20k-SIM sync from the ThingSpace simulator at its allowed call rate, and 5,000
 * asynchronous plan changes pushed with 20% of callbacks lost (`--sims N` shrinks both: N SIMs synced, N/4
 * changes); a failed check makes the bench exit 1.
 * Telegence (issue 21): a 100k-subscriber Mobility fleet's usage report files loaded over SFTP (OpenSSH's sshd
 * on loopback; skipped without it) and the fleet optimized by optimization group: ingestion seconds, optimize
 * seconds, gap (`--sims N` sets the fleet); a failed check makes the bench exit 1.
 * Mobility (issue 21): a 100k-subscriber Mobility fleet optimized by optimization group from files (`--sims N`).
 * Shared limit (issue 22): two workers' limiters on one simulator account at its cap, with the budget shared
 * through Redis and without (needs Redis).
 * Chaos (issue 16): a 50k-SIM session on PostgreSQL + BullMQ with workers killed 10 times (chaos-run.ts);
 * a failed check makes the bench exit 1.
 * Customer (issue 20): 200 customers, 300k SIMs on two carrier accounts, one customer session on SQLite and on
 * PostgreSQL with two workers (`--customers N --customer-sims N`; customer-run.ts).
 *
 * `npm run bench -- --sections service` runs some sections only (optimizer, seeds, hard, e2e, service, sync, sync-faults, push, thingspace, telegence, mobility, shared-limit, api, chaos, customer), and
 * `--sims 1000000` limits the optimizer table to those fleet sizes (chaos: its first value is the fleet,
 * `--kills N` the kills, `--chaos-timeout S` the seconds after which an unsettled session fails the run;
 * e2e: its first value is the fleet of the 40-plan run against reading sims.csv, bench/e2e-speed.ts, which
 * `--e2e-sims 10000000` sets alone: the opt-in 10M run of issue 18;
 * thingspace: its first value is the fleet synced; telegence and mobility: its first value is the fleet).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { priceAssignment, type Problem } from '../src/domain/index.js'
import { writeProblemFiles, type ProblemFiles } from '../src/io/index.js'
import { lagrangianStrategy, seedStrategy } from '../src/optimizer/index.js'
import { PLAN_COUNTS, SIM_COUNTS, instance, label, type InstanceSpec } from './instances.js'
import { measureNodeProcess, timed } from './measure.js'
import { SERVICE_TARGET_SECONDS, printServiceRuns, serviceRuns, type ServiceFigures } from './service-run.js'
import { SYNC_CASES, printSyncRuns, syncRun, type SyncFigures } from './sync-run.js'
import { printPushRun, pushRun, type PushFigures } from './push-run.js'
import { apiRun, printApiRun, type ApiLoadFigures } from './api-run.js'
import { printSeedRuns, seedRuns, type SeedFigures } from './seeds-run.js'
import { printSyncFaultsRuns, syncFaultsRun, type SyncFaultsFigures } from './sync-faults-run.js'
import { hardRuns, printHardRuns, type HardFigures } from './hard-run.js'
import { chaosRun, printChaosRun, type ChaosFigures } from './chaos-run.js'
import { THINGSPACE_SYNC_SIMS, printThingSpaceSyncRun, thingspaceSyncRun, type ThingSpaceSyncFigures } from './thingspace-run.js'
import { THINGSPACE_PUSH_CHANGES, printThingSpacePushRun, thingspacePushRun, type ThingSpacePushFigures } from './thingspace-push.js'
import { MOBILITY_FLEET_SIMS, mobilityFleetRun, printMobilityFleetRun, type MobilityFleetFigures } from './mobility-fleet.js'
import { printSharedLimitRuns, sharedLimitRun, type SharedLimitFigures } from './shared-limit-run.js'
import { TELEGENCE_SIMS, printTelegenceRun, telegenceRun, type TelegenceFigures } from './telegence-run.js'
import { customerRuns, printCustomerRuns, type CustomerFigures } from './customer-run.js'
import { E2E_SPEED_SIMS, e2eSpeedRun, printE2eSpeedRun, printE2eSpeedTarget, type E2eSpeedFigures } from './e2e-speed.js'

const CLI = path.join(import.meta.dirname, '../src/cli/main.js')
const HIGHS_CHILD = path.join(import.meta.dirname, 'highs-child.js')
const HIGHS_TIME_LIMIT = 60
/** A HiGHS run that overruns its own limit this many times over is killed. */
const HIGHS_KILL_FACTOR = 3
/** Beyond this many (SIM, plan) columns the WebAssembly HiGHS runs out of memory building the model. */
const HIGHS_MAX_COLUMNS = 3_000_000

interface HighsFigures {
  readonly seconds: number
  readonly value: number
  readonly status: string
}

interface Row {
  readonly spec: InstanceSpec
  readonly seconds: number
  readonly cost: number
  readonly bound: number
  readonly seedSeconds: number
  readonly seedCost: number
  readonly lp: HighsFigures | string
  readonly milp: HighsFigures | string
}

const money = (value: number) => value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const seconds = (value: number) => value.toFixed(value < 10 ? 2 : 1)
const gapPct = (cost: number, bound: number) => ((cost - bound) / cost) * 100

function columns(problem: Problem): number {
  let count = 0
  for (let i = 0; i < problem.sims.count; i++) if (problem.sims.autoChange[i] === 1) count += problem.commPlans[problem.sims.commPlan[i]!]!.allowedPlans.length
  return count
}

async function highsRun(spec: InstanceSpec, mode: 'lp' | 'milp', problem: Problem): Promise<HighsFigures | string> {
  const size = columns(problem)
  if (size > HIGHS_MAX_COLUMNS) return `skipped (${(size / 1e6).toFixed(1)}M columns)`
  const run = await measureNodeProcess(HIGHS_CHILD, [String(spec.sims), String(spec.plans), mode, String(HIGHS_TIME_LIMIT)], HIGHS_TIME_LIMIT * HIGHS_KILL_FACTOR)
  if (run.timedOut) return `killed after ${HIGHS_TIME_LIMIT * HIGHS_KILL_FACTOR} s`
  if (run.code !== 0) return /Aborted|out of memory/i.test(run.stderr) ? 'out of memory' : `failed (exit ${run.code})`
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { status: string; value: number; seconds: number }
  return Number.isFinite(result.value) ? result : `${result.status}, no solution`
}

function highsCell(figures: HighsFigures | string): [string, string] {
  if (typeof figures === 'string') return [figures, '']
  const note = figures.status === 'optimal' ? '' : ` (${figures.status})`
  return [seconds(figures.seconds), `${money(figures.value)}${note}`]
}

const SECTIONS = ['optimizer', 'seeds', 'hard', 'e2e', 'service', 'sync', 'sync-faults', 'push', 'thingspace', 'telegence', 'mobility', 'shared-limit', 'api', 'chaos', 'customer'] as const
type Section = (typeof SECTIONS)[number]

const CHAOS_SIMS = 50_000
const CHAOS_KILLS = 10
const CHAOS_TIMEOUT_SECONDS = 3 * 3600

function parseArguments(argv: readonly string[]): {
  sections: readonly Section[]
  sims: readonly number[]
  faultsSims: number
  e2eSims: number
  thingspace: { sims: number; changes: number }
  telegence: number
  mobilitySims: number
  chaos: { sims: number; kills: number; timeoutSeconds: number }
  customer: { customers: number; sims: number }
} {
  const value = (flag: string) => {
    const at = argv.indexOf(flag)
    return at < 0 ? undefined : argv[at + 1]
  }
  const sections = (value('--sections')?.split(',') ?? SECTIONS) as Section[]
  const unknown = sections.filter((section) => !SECTIONS.includes(section))
  if (unknown.length > 0) throw new Error(`unknown bench section ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`)
  const sims = value('--sims')?.split(',').map(Number) ?? [...SIM_COUNTS]
  const faultsSims = Number(value('--faults-sims') ?? 20_000)
  const chaos = {
    sims: value('--sims') === undefined ? CHAOS_SIMS : sims[0]!,
    kills: Number(value('--kills') ?? CHAOS_KILLS),
    timeoutSeconds: Number(value('--chaos-timeout') ?? CHAOS_TIMEOUT_SECONDS),
  }
  const e2eSims = Number(value('--e2e-sims') ?? (value('--sims') === undefined ? E2E_SPEED_SIMS : sims[0]!))
  const thingspace = value('--sims') === undefined ? { sims: THINGSPACE_SYNC_SIMS, changes: THINGSPACE_PUSH_CHANGES } : { sims: sims[0]!, changes: Math.max(1, Math.floor(sims[0]! / 4)) }
  for (const [flag, count] of [['--sims', chaos.sims], ['--e2e-sims', e2eSims], ['--kills', chaos.kills], ['--chaos-timeout', chaos.timeoutSeconds]] as const) {
    if (!(Number.isInteger(count) && count >= 0)) throw new Error(`bench ${flag} must be a whole number, got ${String(count)}`)
  }
  const telegence = value('--sims') === undefined ? TELEGENCE_SIMS : sims[0]!
  const mobilitySims = value('--sims') === undefined ? MOBILITY_FLEET_SIMS : sims[0]!
  const customer = { customers: Number(value('--customers') ?? 200), sims: Number(value('--customer-sims') ?? 300_000) }
  for (const [flag, count] of [['--customers', customer.customers], ['--customer-sims', customer.sims]] as const) {
    if (!(Number.isInteger(count) && count > 0)) throw new Error(`bench ${flag} must be a whole number above 0, got ${String(count)}`)
  }
  return { sections, sims, faultsSims, e2eSims, thingspace, telegence, mobilitySims, chaos, customer }
}

async function optimizerTable(simCounts: readonly number[]): Promise<Row[]> {
  const rows: Row[] = []
  console.log('## Optimizer: ours, the old method (seed), HiGHS (60 s limits)\n')
  console.log('| SIMs x plans | ours s | ours cost | lower bound | gap % | seed s | seed cost | HiGHS LP s | LP bound | HiGHS MILP s | MILP best |')
  console.log('|---|---|---|---|---|---|---|---|---|---|---|')
  for (const sims of simCounts) {
    for (const plans of PLAN_COUNTS) {
      const spec = { sims, plans }
      const problem = instance(spec)
      const ours = await timed(() => lagrangianStrategy(problem))
      const cost = priceAssignment(problem, ours.value.assignment).total
      const seed = await timed(() => seedStrategy(problem))
      const seedCost = priceAssignment(problem, seed.value).total
      const lp = await highsRun(spec, 'lp', problem)
      const milp = await highsRun(spec, 'milp', problem)
      const row: Row = { spec, seconds: ours.seconds, cost, bound: ours.value.lowerBound, seedSeconds: seed.seconds, seedCost, lp, milp }
      rows.push(row)
      console.log(
        `| ${label(spec)} | ${seconds(row.seconds)} | ${money(cost)} | ${money(row.bound)} | ${gapPct(cost, row.bound).toFixed(4)} | ${seconds(row.seedSeconds)} | ${money(seedCost)} | ${highsCell(lp).join(' | ')} | ${highsCell(milp).join(' | ')} |`,
      )
    }
  }
  return rows
}

const MILLION = { sims: 1_000_000, plans: 15 }

async function endToEnd(folder: string, files: Required<ProblemFiles>): Promise<{ seconds: number; peakRssMb: number; optimizerSeconds: number }> {
  const spec = MILLION
  const summary = path.join(folder, 'summary.json')
  const run = await measureNodeProcess(CLI, [
    'optimize',
    '--plans', files.plans,
    '--pools', files.pools,
    '--comm-plans', files.commPlans,
    '--sims', files.sims,
    '--prorate',
    '--out', path.join(folder, 'assignment.csv'),
    '--summary', summary,
  ])
  if (run.code !== 0) throw new Error(`simopt optimize failed: ${run.stderr}`)
  const { seconds: optimizerSeconds } = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(summary, 'utf8'))) as { seconds: number }
  console.log(`\n## End to end: simopt optimize, CSV files to summary.json, ${label(spec)}\n`)
  console.log(`${seconds(run.seconds)} s wall, optimizer ${seconds(optimizerSeconds)} s, peak memory ${run.peakRssMb.toFixed(0)} MB`)
  return { seconds: run.seconds, peakRssMb: run.peakRssMb, optimizerSeconds }
}

interface EndToEnd {
  readonly seconds: number
  readonly peakRssMb: number
}

function targets(rows: readonly Row[], e2e: EndToEnd | undefined, service: readonly (ServiceFigures | string)[]): void {
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
  console.log('\n## Targets\n')
  const large = rows.filter((row) => row.spec.sims >= 10_000)
  if (large.length > 0) {
    const wide = large.filter((row) => gapPct(row.cost, row.bound) > 0.05)
    const worst = Math.max(...large.map((row) => gapPct(row.cost, row.bound)))
    console.log(`- gap at most 0.05% on every instance of 10k SIMs or more: ${verdict(wide.length === 0)} (worst ${worst.toFixed(4)}%${wide.length ? `; above: ${wide.map((row) => label(row.spec)).join(', ')}` : ''})`)
  }
  if (rows.length > 0) {
    const dearer = rows.filter((row) => row.cost >= row.seedCost)
    console.log(`- cost below the seed strategy on every instance: ${verdict(dearer.length === 0)}${dearer.length ? ` (not on ${dearer.map((row) => label(row.spec)).join(', ')})` : ''}`)
  }
  const million = rows.find((row) => row.spec.sims === 1_000_000 && row.spec.plans === 15)
  if (million) console.log(`- 1M SIMs x 15 plans, optimizer alone within 5 s: ${verdict(million.seconds <= 5)} (${seconds(million.seconds)} s)`)
  if (e2e !== undefined) {
    console.log(`- 1M SIMs x 15 plans, simopt optimize from CSV within 20 s: ${verdict(e2e.seconds <= 20)} (${seconds(e2e.seconds)} s)`)
    console.log(`- peak memory under 2 GB: ${verdict(e2e.peakRssMb < 2048)} (${e2e.peakRssMb.toFixed(0)} MB)`)
  }
  for (const row of rows.filter((candidate) => candidate.spec.sims === 100_000)) {
    const lp = row.lp
    // HiGHS without an answer took at least as long as it was given (its limit, or the time it was killed
    // at when it overran the limit): the ratio is then a lower bound.
    const unfinished = typeof lp === 'string' ? /timeLimit|killed/.test(lp) : lp.status !== 'optimal'
    const given = typeof lp === 'string' && lp.startsWith('killed') ? HIGHS_TIME_LIMIT * HIGHS_KILL_FACTOR : HIGHS_TIME_LIMIT
    const highsSeconds = typeof lp === 'string' ? (unfinished ? given : Number.NaN) : lp.seconds
    const ratio = highsSeconds / row.seconds
    const figure = Number.isNaN(ratio)
      ? `HiGHS LP ${lp as string}`
      : unfinished
        ? `at least ${ratio.toFixed(0)}x: HiGHS LP had no answer after ${given} s`
        : `${ratio.toFixed(0)}x`
    console.log(`- ${label(row.spec)}: at least 20x faster than HiGHS's LP relaxation: ${Number.isNaN(ratio) ? 'not measured' : verdict(ratio >= 20)} (${figure})`)
  }
  for (const figures of service) {
    if (typeof figures === 'string') console.log(`- service end to end: ${figures}`)
    else console.log(`- ${figures.database}: 1M SIMs import + run + results export within ${SERVICE_TARGET_SECONDS} s: ${verdict(figures.totalSeconds <= SERVICE_TARGET_SECONDS)} (${seconds(figures.totalSeconds)} s)`)
  }
}

const options = parseArguments(process.argv.slice(2))
const folder = await mkdtemp(path.join(tmpdir(), 'simopt-bench-'))
try {
  console.log(`# simopt benchmark, ${new Date().toISOString()}, Node ${process.version}\n`)
  const rows = options.sections.includes('optimizer') ? await optimizerTable(options.sims) : []
  const seeds: SeedFigures[] = options.sections.includes('seeds') ? await seedRuns() : []
  if (seeds.length > 0) printSeedRuns(seeds)
  const hard: HardFigures[] = options.sections.includes('hard') ? await hardRuns() : []
  if (hard.length > 0) printHardRuns(hard)
  const needsMillion = options.sections.includes('e2e') || options.sections.includes('service') || options.sections.includes('api')
  const files = needsMillion ? await writeProblemFiles(path.join(folder, 'fleet'), instance(MILLION)) : undefined
  const e2e = options.sections.includes('e2e') ? await endToEnd(folder, files!) : undefined
  const e2eSpeed: E2eSpeedFigures | undefined = options.sections.includes('e2e') ? await e2eSpeedRun(folder, options.e2eSims) : undefined
  if (e2eSpeed !== undefined) printE2eSpeedRun(e2eSpeed)
  const service = options.sections.includes('service') ? await serviceRuns(files!, folder) : []
  if (service.length > 0) printServiceRuns(service)
  const sync: SyncFigures[] = []
  if (options.sections.includes('sync')) {
    for (const { sims, limit } of SYNC_CASES) sync.push(await syncRun(folder, sims, limit))
    printSyncRuns(sync)
  }
  const syncFaults: SyncFaultsFigures[] = []
  if (options.sections.includes('sync-faults')) {
    for (const advantage of [false, true]) syncFaults.push(await syncFaultsRun(folder, options.faultsSims, advantage))
    printSyncFaultsRuns(syncFaults)
  }
  let push: PushFigures | undefined
  if (options.sections.includes('push')) {
    push = await pushRun(folder)
    printPushRun(push)
  }
  let thingspaceSync: ThingSpaceSyncFigures | undefined
  let thingspacePush: ThingSpacePushFigures | undefined
  if (options.sections.includes('thingspace')) {
    thingspaceSync = await thingspaceSyncRun(folder, options.thingspace.sims)
    printThingSpaceSyncRun(thingspaceSync)
    thingspacePush = await thingspacePushRun(folder, options.thingspace.changes)
    printThingSpacePushRun(thingspacePush)
    if (![...thingspaceSync.checks, ...thingspacePush.checks].every((check) => check.passed)) process.exitCode = 1
  }
  let telegence: TelegenceFigures | string | undefined
  if (options.sections.includes('telegence')) {
    telegence = await telegenceRun(folder, options.telegence)
    printTelegenceRun(telegence)
    if (typeof telegence !== 'string' && !telegence.checks.every((check) => check.passed)) process.exitCode = 1
  }
  let mobility: MobilityFleetFigures | undefined
  if (options.sections.includes('mobility')) {
    mobility = await mobilityFleetRun(options.mobilitySims)
    printMobilityFleetRun(mobility)
  }
  const sharedLimit: SharedLimitFigures[] = []
  if (options.sections.includes('shared-limit')) {
    for (const shared of [true, false]) sharedLimit.push(await sharedLimitRun(shared, 20, 60))
    printSharedLimitRuns(sharedLimit)
    if (sharedLimit.find((run) => run.shared)!.refusedOverCap > 0) process.exitCode = 1
  }
  let api: ApiLoadFigures[] = []
  if (options.sections.includes('api')) {
    api = await apiRun(files!, folder, MILLION.sims)
    printApiRun(api)
  }
  let chaos: ChaosFigures | undefined
  if (options.sections.includes('chaos')) {
    chaos = await chaosRun(folder, { ...options.chaos, seed: 16 })
    printChaosRun(chaos)
    if (!chaos.passed) process.exitCode = 1
  }
  let customer: (CustomerFigures | string)[] = []
  if (options.sections.includes('customer')) {
    customer = await customerRuns(folder, options.customer.customers, options.customer.sims)
    printCustomerRuns(customer)
  }
  targets(rows, e2e, service)
  if (e2eSpeed !== undefined) printE2eSpeedTarget(e2eSpeed)
  await mkdir('data/bench', { recursive: true })
  await writeFile('data/bench/last-run.json', `${JSON.stringify({ options, rows, seeds, hard, e2e, e2eSpeed, service, sync, syncFaults, push, thingspaceSync, thingspacePush, telegence, mobility, sharedLimit, api, chaos, customer }, null, 2)}\n`)
} finally {
  await rm(folder, { recursive: true, force: true })
}
