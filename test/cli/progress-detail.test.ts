/** The line `run --wait` and `simopt status` show of a running session: what the sync has read, or the components solved. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatTimeLeft } from '../../src/cli/format.js'
import { progressDetail } from '../../src/cli/session-summary.js'
import type { SessionView, SyncProgress } from '../../src/store/index.js'

const sync = (progress: Partial<SyncProgress>): SyncProgress => ({ instanceId: 'i', stage: 'usage', simsDone: 0, simsTotal: null, calls: 0, errors: 0, fraction: 0, remainingMs: null, ...progress })
const view = (status: SessionView['status'], syncProgress: SyncProgress[], instances: Partial<SessionView['instances'][number]>[] = []) =>
  ({ status, syncProgress, instances }) as unknown as SessionView

describe('progress detail', () => {
  it('says the SIMs read, the calls and the time left while syncing', () => {
    assert.equal(progressDetail(view('syncing', [sync({ stage: 'devices', simsDone: 1200, calls: 1234 })])), '1,200 devices listed, 1,234 calls')
    assert.equal(
      progressDetail(view('syncing', [sync({ stage: 'usage', simsDone: 1200, simsTotal: 3000, calls: 2500, remainingMs: 150_000 })])),
      'usage of 1,200 of 3,000 SIMs read, 2,500 calls, about 3 min left',
    )
  })

  it('says the components solved while optimizing, and nothing before there are components or once ended', () => {
    assert.equal(progressDetail(view('optimizing', [], [{ component_count: 12, components_done: 3 }])), '3 of 12 components solved')
    assert.equal(progressDetail(view('optimizing', [], [{ component_count: null, components_done: 0 }])), '')
    assert.equal(progressDetail(view('done', [sync({ stage: 'done' })])), '')
  })

  it('rounds the time left as a person says it', () => {
    assert.deepEqual([400, 42_000, 89_000, 3_600_000, 7_500_000].map(formatTimeLeft), ['about 1 s', 'about 42 s', 'about 1 min', 'about 1 h 0 min', 'about 2 h 5 min'])
  })
})
