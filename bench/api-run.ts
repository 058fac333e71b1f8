/**
 * Issue 8's figure: throughput of the results endpoint on a session of a million SIMs. The session comes
 * from `simopt import` and `run --no-sync --wait` (SQLite, local queue), the server is `simopt serve` in a
 * process of its own, and a load generator here keeps N requests in flight on loopback for a fixed time:
 * `GET /api/sessions/:id/results?limit=100&after=<a random ICCID of the session>`, counting answers per
 * second and their latency (p50, p99).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import type { ProblemFiles } from '../src/io/index.js'
import { openStore } from '../src/store/database.js'
import { measureNodeProcess } from './measure.js'

const CLI = path.join(import.meta.dirname, '../src/cli/main.js')
const CONNECTIONS = [1, 16, 64] as const
const SECONDS = 10
const WARM_UP_SECONDS = 2
const PAGE = 100

export interface ApiLoadFigures {
  readonly sims: number
  readonly connections: number
  readonly seconds: number
  readonly requests: number
  readonly errors: number
  readonly perSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
}

async function simopt(env: Record<string, string>, args: readonly string[]) {
  const run = await measureNodeProcess(CLI, args, Infinity, env)
  if (run.code !== 0) throw new Error(`simopt ${args[0]} failed (exit ${run.code}): ${run.stderr}`)
  return run
}

export async function apiRun(files: Required<ProblemFiles>, folder: string, sims: number): Promise<ApiLoadFigures[]> {
  const env = { SIMOPT_SCHEDULE_CRON: 'off', SIMOPT_DATABASE_URL: `sqlite:${path.join(folder, 'api.db')}`, SIMOPT_QUEUE: 'local', SIMOPT_LOG_LEVEL: 'warn', SIMOPT_SECRET_KEY_FILE: path.join(folder, 'api-secret.key') }
  await simopt(env, ['import', '--tenant', 'bench', '--provider', 'main', '--period', '2026-11', '--prorate', '--plans', files.plans, '--pools', files.pools, '--comm-plans', files.commPlans, '--sims', files.sims])
  const session = (await simopt(env, ['run', '--tenant', 'bench', '--provider', 'main', '--period', '2026-11', '--no-sync', '--wait'])).stdout.split('\n')[0]!
  const key = (await simopt(env, ['apikey', 'create', '--tenant', 'bench', '--role', 'viewer', '--name', 'bench'])).stdout.trim()
  const iccids = await sampleIccids(env.SIMOPT_DATABASE_URL, session)
  const server = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const url = await addressOf(server)
    const target = (after: string) => `${url}/api/sessions/${session}/results?limit=${PAGE}&after=${after}`
    const figures: ApiLoadFigures[] = []
    for (const connections of CONNECTIONS) {
      await load(target, key, iccids, connections, WARM_UP_SECONDS)
      figures.push({ sims, ...(await load(target, key, iccids, connections, SECONDS)) })
    }
    return figures
  } finally {
    const exited = once(server, 'exit')
    server.kill('SIGTERM')
    await exited
  }
}

/** ICCIDs to start pages after, spread over the whole session (every 97th, shuffled by the picks). */
async function sampleIccids(url: string, session: string): Promise<string[]> {
  const store = openStore(url)
  try {
    const instance = await store.db.selectFrom('instances').select('id').where('session_id', '=', session).executeTakeFirstOrThrow()
    const rows = await store.db.selectFrom('results').select('iccid').where('instance_id', '=', instance.id).orderBy('iccid').execute()
    return rows.filter((_, i) => i % 97 === 0).map((row) => row.iccid)
  } finally {
    await store.close()
  }
}

async function addressOf(server: ChildProcess): Promise<string> {
  let stdout = ''
  server.stdout!.setEncoding('utf8')
  for await (const chunk of server.stdout! as AsyncIterable<string>) {
    stdout += chunk
    const match = /^(http:\/\/\S+)$/m.exec(stdout)
    if (match !== null) return match[1]!
  }
  throw new Error(`simopt serve ended without an address: ${stdout}`)
}

/** `connections` loops, each sending its next request when the last is answered, for `seconds`. */
async function load(target: (after: string) => string, key: string, iccids: readonly string[], connections: number, seconds: number): Promise<Omit<ApiLoadFigures, 'sims'>> {
  const latencies: number[] = []
  let errors = 0
  const headers = { authorization: `Bearer ${key}` }
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const after = iccids[Math.floor(Math.random() * iccids.length)]!
        const sent = performance.now()
        const response = await fetch(target(after), { headers })
        const body = (await response.json()) as { rows?: unknown[] }
        latencies.push(performance.now() - sent)
        if (response.status !== 200 || body.rows?.length === 0) errors++
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN
  return { connections, seconds: elapsed, requests: latencies.length, errors, perSecond: latencies.length / elapsed, p50Ms: quantile(0.5), p99Ms: quantile(0.99) }
}

export function printApiRun(rows: readonly ApiLoadFigures[]): void {
  console.log(`\n## API: GET /api/sessions/:id/results?limit=${PAGE}&after=<random ICCID>, simopt serve on SQLite, loopback\n`)
  console.log('| SIMs in the session | connections | seconds | requests | requests/s | p50 ms | p99 ms | errors |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const row of rows) {
    console.log(
      `| ${row.sims.toLocaleString('en-US')} | ${row.connections} | ${row.seconds.toFixed(1)} | ${row.requests.toLocaleString('en-US')} | ${row.perSecond.toFixed(0)} | ${row.p50Ms.toFixed(1)} | ${row.p99Ms.toFixed(1)} | ${row.errors} |`,
    )
  }
}
