/**
 * The notifications service as `simopt outbox` calls it: listing without bodies, and sending again only what
 * failed or was unaddressed, each refusal with its precise code.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import type { Job, JobQueue } from '../../src/jobs/job.js'
import { listMessages, resendMessage } from '../../src/services/notifications.service.js'
import { findOutboxMessage, insertOutboxMessage, markOutboxSent, migrate, openStore, type Store } from '../../src/store/index.js'
import type { ServiceContext } from '../../src/services/context.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('notifications service', () => {
  let store: Store
  let ctx: ServiceContext
  const published: Job[] = []

  before(async () => {
    const folder = await tempDir()
    store = openStore(`sqlite:${path.join(folder, 'simopt.db')}`)
    await migrate(store)
    const queue: Pick<JobQueue, 'publish'> = { publish: async (jobs) => void published.push(...jobs) }
    // Only `publish` is reached by the service; the rest of a queue is never called here.
    ctx = { store, config: loadConfig({ SIMOPT_DATABASE_URL: `sqlite:${path.join(folder, 'simopt.db')}` }), queue: () => queue as JobQueue }
  })
  after(() => store.close())

  const message = async (channel: 'email' | 'webhook', unaddressed?: string) => {
    const id = randomUUID()
    await insertOutboxMessage(store.db, { id, tenantId: null, sessionId: null, channel, kind: 'results', recipient: '', subject: null, body: Buffer.from('{}'), ...(unaddressed === undefined ? {} : { unaddressed }) })
    return id
  }

  it('refuses an unknown message with MESSAGE_NOT_FOUND', async () => {
    await assert.rejects(resendMessage(ctx, 'no-such-message'), { code: 'MESSAGE_NOT_FOUND', message: 'message no-such-message does not exist' })
  })

  it('refuses a message already sent with STATE_CONFLICT', async () => {
    const id = await message('webhook')
    await markOutboxSent(store.db, id)
    await assert.rejects(resendMessage(ctx, id), { code: 'STATE_CONFLICT', message: `message ${id} is sent; only failed or unaddressed messages are sent again` })
  })

  it('refuses an unaddressed e-mail that still has nobody to go to with SETTING_MISSING', async () => {
    const id = await message('email', 'no recipients')
    await assert.rejects(resendMessage(ctx, id), { code: 'SETTING_MISSING' })
    assert.equal((await findOutboxMessage(store.db, id))?.status, 'unaddressed')
  })

  it('queues an unaddressed webhook again and lists it pending, without its body', async () => {
    const id = await message('webhook', 'no signing secret')
    assert.deepEqual(await resendMessage(ctx, id), { id })
    assert.equal(published.at(-1)?.type, 'deliver-message')
    assert.equal(published.at(-1)?.entityId, id)
    const [listed] = await listMessages(ctx, { statuses: ['pending'], limit: 1 })
    assert.equal(listed?.id, id)
    assert.equal(listed?.bytes, 2)
    assert.equal('body' in (listed ?? {}), false)
  })
})
