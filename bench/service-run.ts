/**
 * Issue 4's figure: a million SIMs through the service, as a user runs it. `simopt import` from CSV files,
 * `simopt run --wait` (local queue, in-process), `simopt results` to CSV; each a process of its own,
 * measured for wall time and peak memory; stage times from the session's recorded transitions.
 * On SQLite (a file) and on PostgreSQL (a database made for the run and dropped after).
 * Issue 6's figure on the same session: `simopt report --xlsx`, the whole workbook of a million SIMs
 * streamed from the database (the run's own report stage writes the e-mail's smaller one).
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import type { ProblemFiles } from '../src/io/index.js'
import { openStore } from '../src/store/database.js'
import { measureNodeProcess, type ProcessMeasurement } from './measure.js'

const CLI = path.join(import.meta.dirname, '../src/cli/main.js')
const POSTGRES_ADMIN_URL = process.env.SIMOPT_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const SERVICE_TARGET_SECONDS = 90

export interface ServiceFigures {
  readonly database: 'SQLite' | 'PostgreSQL'
  readonly importRun: ProcessMeasurement
  readonly run: ProcessMeasurement
  readonly results: ProcessMeasurement
  /** Seconds from the session's transitions and jobs: building the problem, optimizing, finalizing, the report stage. */
  readonly stages: { readonly build: number; readonly optimize: number; readonly finalize: number; readonly report: number }
  readonly totalSeconds: number
  /** `simopt report SESSION --xlsx`: the whole workbook. */
  readonly workbook: ProcessMeasurement & { readonly megabytes: number }
}

async function simoptProcess(env: Record<string, string>, args: readonly string[]): Promise<ProcessMeasurement> {
  const run = await measureNodeProcess(CLI, args, Infinity, env)
  if (run.code !== 0) throw new Error(`simopt ${args[0]} failed (exit ${run.code}): ${run.stderr}`)
  return run
}

async function serviceRun(database: ServiceFigures['database'], url: string, files: Required<ProblemFiles>, folder: string): Promise<ServiceFigures> {
  const env = { SIMOPT_DATABASE_URL: url, SIMOPT_QUEUE: 'local' }
  const importRun = await simoptProcess(env, [
    'import', '--tenant', 'bench', '--provider', 'main', '--period', '2026-11', '--prorate',
    '--plans', files.plans, '--pools', files.pools, '--comm-plans', files.commPlans, '--sims', files.sims,
  ])
  const run = await simoptProcess(env, ['run', '--tenant', 'bench', '--provider', 'main', '--period', '2026-11', '--wait'])
  const session = run.stdout.split('\n')[0]!
  const results = await simoptProcess(env, ['results', session, '--out', path.join(folder, `results-${database}.csv`)])
  const workbookFile = path.join(folder, `report-${database}.xlsx`)
  const workbook = await simoptProcess(env, ['report', session, '--xlsx', workbookFile])
  const store = openStore(url)
  try {
    const transitions = await store.db.selectFrom('state_transitions').select(['to_status', 'at']).where('entity_id', '=', session).orderBy('seq').execute()
    const at = (status: string) => transitions.find((t) => t.to_status === status)?.at ?? Number.NaN
    const jobs = await store.db.selectFrom('jobs').select(['type', 'created_at', 'updated_at']).execute()
    const built = Math.max(...jobs.filter((job) => job.type === 'build-problem').map((job) => job.updated_at))
    const reporting = Math.max(...jobs.filter((job) => job.type === 'report-instance').map((job) => job.created_at))
    return {
      database,
      importRun,
      run,
      results,
      stages: { build: (built - at('optimizing')) / 1000, optimize: (at('finalizing') - built) / 1000, finalize: (reporting - at('finalizing')) / 1000, report: (at('done') - reporting) / 1000 },
      totalSeconds: importRun.seconds + run.seconds + results.seconds,
      workbook: { ...workbook, megabytes: (await stat(workbookFile)).size / 1024 / 1024 },
    }
  } finally {
    await store.close()
  }
}

export async function serviceRuns(files: Required<ProblemFiles>, folder: string): Promise<(ServiceFigures | string)[]> {
  const figures: (ServiceFigures | string)[] = [await serviceRun('SQLite', `sqlite:${path.join(folder, 'bench.db')}`, files, folder)]
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 })
  try {
    await admin.connect()
  } catch (error) {
    figures.push(`PostgreSQL skipped: not reachable at ${POSTGRES_ADMIN_URL} (${error instanceof Error ? error.message : String(error)})`)
    return figures
  }
  const name = `simopt_bench_${Date.now()}`
  await admin.query(`CREATE DATABASE ${name}`)
  try {
    const url = new URL(POSTGRES_ADMIN_URL)
    url.pathname = `/${name}`
    figures.push(await serviceRun('PostgreSQL', url.toString(), files, folder))
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
  return figures
}

export function printServiceRuns(figures: readonly (ServiceFigures | string)[]): void {
  const s = (value: number) => value.toFixed(1)
  const mb = (run: ProcessMeasurement) => run.peakRssMb.toFixed(0)
  console.log('\n## Service end to end: 1,000,000 x 15, import + run + results export\n')
  console.log('| database | import s (peak MB) | run s (peak MB) | build problem s | optimize s | finalize s | report stage s | results export s (peak MB) | total s |')
  console.log('|---|---|---|---|---|---|---|---|---|')
  for (const row of figures) {
    if (typeof row === 'string') {
      console.log(`| ${row} | | | | | | | | |`)
      continue
    }
    console.log(
      `| ${row.database} | ${s(row.importRun.seconds)} (${mb(row.importRun)}) | ${s(row.run.seconds)} (${mb(row.run)}) | ${s(row.stages.build)} | ${s(row.stages.optimize)} | ${s(row.stages.finalize)} | ${s(row.stages.report)} | ${s(row.results.seconds)} (${mb(row.results)}) | ${s(row.totalSeconds)} |`,
    )
  }
  const measured = figures.filter((row): row is ServiceFigures => typeof row !== 'string')
  if (measured.length === 0) return
  console.log('\n## Report workbook of 1,000,000 SIMs: simopt report SESSION --xlsx, streamed from the database\n')
  console.log('| database | seconds | peak MB | file MB |')
  console.log('|---|---|---|---|')
  for (const row of measured) console.log(`| ${row.database} | ${s(row.workbook.seconds)} | ${mb(row.workbook)} | ${row.workbook.megabytes.toFixed(1)} |`)
}
