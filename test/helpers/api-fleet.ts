/** A tenant's provider with an imported fleet, and a finished session on it, made through the API. */
import assert from 'node:assert/strict'
import path from 'node:path'
import { writeGroups } from './fleets.js'
import { call, type ApiServer } from './api-server.js'
import { eventually, simoptOk } from './service-env.js'

export const PERIOD = '2026-11'

/** `simopt import` of a generated fleet (files provider) for `tenant`/`provider`; returns the files. */
export async function importedFleet(server: ApiServer, tenant: string, provider = 'main', sims = 300, seed = 7) {
  const files = await writeGroups(path.join(server.folder, `fleet-${tenant}-${provider}`), 2, sims / 2, 6, seed)
  await simoptOk(server.env, ['import', '--tenant', tenant, '--provider', provider, '--period', PERIOD, '--plans', files.plans, '--pools', files.pools, '--comm-plans', files.commPlans, '--sims', files.sims])
  return files
}

/** Starts a session through the API (no carrier sync) and waits for it to end done. */
export async function finishedSession(server: ApiServer, key: string, provider = 'main'): Promise<string> {
  const started = await call(server, 'POST', '/api/sessions', { key, body: { provider, period: PERIOD, sync: false } })
  assert.equal(started.status, 201, JSON.stringify(started.body))
  const id = started.body.id as string
  const status = await eventually(`session ${id} to end`, async () => {
    const detail = await call(server, 'GET', `/api/sessions/${id}`, { key })
    return ['done', 'failed', 'cancelled'].includes(detail.body.status) ? (detail.body.status as string) : undefined
  })
  assert.equal(status, 'done')
  return id
}
