/**
 * The API as tests use it: a fresh SQLite database in a temp folder, the local queue, the server listening
 * on 127.0.0.1 on a free port, and `fetch`. Closed when the test file's tests are done.
 */
import { after } from 'node:test'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApi } from '../../src/api/index.js'
import { loadConfig, type Config } from '../../src/config.js'
import type { JobQueue } from '../../src/jobs/job.js'
import { createQueue, newWorkerId, startWorker, type Worker } from '../../src/jobs/worker.js'
import { ensureTenant } from '../../src/store/accounts.js'
import { createApiKey, type ApiRole } from '../../src/store/api-keys.js'
import { openStore, type Store } from '../../src/store/database.js'
import { migrate } from '../../src/store/migrate.js'
import { LOOPBACK_CARRIERS } from './service-env.js'
import { tempDir } from './temp-dir.js'

export interface ApiServer {
  readonly url: string
  readonly folder: string
  readonly env: Record<string, string>
  readonly config: Config
  readonly store: Store
  readonly queue: JobQueue
  readonly app: FastifyInstance
  /** Starts a worker in this process on the server's queue (stopped with the server). */
  startWorker(): Promise<Worker>
}

export async function startApiServer(extraEnv: Record<string, string> = {}): Promise<ApiServer> {
  const folder = await tempDir('simopt-api-')
  const env = {
    SIMOPT_DATABASE_URL: `sqlite:${path.join(folder, 'simopt.db')}`,
    SIMOPT_QUEUE: 'local',
    SIMOPT_SECRET_KEY: 'api test secret key, long enough',
    SIMOPT_OUTBOX_DIR: path.join(folder, 'outbox'),
    SIMOPT_LOG_LEVEL: 'silent',
    SIMOPT_JOB_LEASE_MS: '5000',
    ...LOOPBACK_CARRIERS,
    ...extraEnv,
  }
  const config = loadConfig(env)
  const store = openStore(config.databaseUrl)
  await migrate(store)
  const workerId = newWorkerId()
  const queue = createQueue(config, store, workerId)
  const app = await buildApi({ store, config, queue })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const workers: Worker[] = []
  after(async () => {
    await app.close()
    for (const worker of workers) await worker.stop()
    await queue.stop()
    await store.close()
  })
  return {
    url: address,
    folder,
    env,
    config,
    store,
    queue,
    app,
    async startWorker() {
      const worker = await startWorker(config, store, queue, workerId, 2)
      workers.push(worker)
      return worker
    },
  }
}

// JSON answers are checked by the tests' asserts; `any` lets them read the fields they check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Answer<T = any> {
  readonly status: number
  readonly body: T
  readonly headers: Headers
}

/** One request: JSON in and out (a FormData body goes as multipart); the key, if any, as a bearer token. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(server: { url: string }, method: string, route: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`
  let body: FormData | string | undefined
  if (options.body instanceof FormData) body = options.body
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
  }
  const response = await fetch(`${server.url}${route}`, { method, headers, body })
  const text = await response.text()
  const isJson = response.headers.get('content-type')?.includes('application/json') === true
  return { status: response.status, body: (isJson ? JSON.parse(text) : text) as T, headers: response.headers }
}

export type KeySet = Record<ApiRole, string>

/** A tenant (created when missing) with a key of every role. */
export async function tenantKeys(store: Store, tenant: string): Promise<KeySet> {
  const tenantId = await ensureTenant(store.db, tenant)
  const make = async (role: ApiRole) => (await createApiKey(store.db, { tenantId, name: `${tenant}-${role}`, role })).key
  return { viewer: await make('viewer'), operator: await make('operator'), admin: await make('admin') }
}

export async function serviceAdminKey(store: Store): Promise<string> {
  return (await createApiKey(store.db, { tenantId: null, name: 'root', role: 'admin' })).key
}
