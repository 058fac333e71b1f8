/**
 * `--wait`: follows a session until it ends, drawing a progress bar on standard error. With the local
 * queue there may be no `simopt worker` running, so this process works on jobs meanwhile (alongside any
 * workers there are).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { job } from '../jobs/job.js'
import { startWorker } from '../jobs/worker.js'
import { listOutbox } from '../store/outbox.js'
import { findSession, type SessionView } from '../store/session-views.js'
import { FINISHED_STATUSES, type SessionStatus } from '../store/transitions.js'
import type { Service } from './service.js'

const POLL_MS = 250
const BAR_WIDTH = 30
/** How long a finished session's messages get to go out before this process leaves them to a worker. */
const DRAIN_MS = 15_000

export async function waitForSession(service: Service, sessionId: string): Promise<SessionView> {
  const { config, store } = service
  const worker = config.queue === 'local' ? await startWorker(config, store, service.queue(), service.workerId) : undefined
  const bar = progressBar()
  try {
    for (;;) {
      const view = await findSession(store.db, sessionId)
      if (view === undefined) throw new Error(`session ${sessionId} disappeared`)
      bar.draw(view.percent, view.status)
      if (FINISHED_STATUSES.includes(view.status as SessionStatus)) {
        if (worker !== undefined) await drainMessages(service, sessionId)
        return view
      }
      await sleep(POLL_MS)
    }
  } finally {
    bar.end()
    await worker?.stop()
  }
}

/**
 * What follows a finished session here, for a while: the go / no-go (its e-mail) and the session's
 * e-mails and webhooks, worked by this process's worker before it stops. Pushing changes is left to
 * `simopt worker`: it can take hours.
 */
async function drainMessages(service: Service, sessionId: string): Promise<void> {
  const { db } = service.store
  const instances = await db.selectFrom('instances').select('id').where('session_id', '=', sessionId).execute()
  const decisions = instances.map((instance) => job('decide-push', instance.id).id)
  const busy = async () => {
    const deciding = decisions.length === 0 ? [] : await db.selectFrom('jobs').select('id').where('id', 'in', decisions).where('status', 'in', ['queued', 'active']).execute()
    return deciding.length + (await listOutbox(db, { sessionId, statuses: ['pending'], limit: 1000 })).length
  }
  const deadline = Date.now() + DRAIN_MS
  let waiting = await busy()
  while (waiting > 0 && Date.now() < deadline) {
    await sleep(POLL_MS)
    waiting = await busy()
  }
  const messages = (await listOutbox(db, { sessionId, statuses: ['pending'], limit: 1000 })).length
  if (messages > 0) process.stderr.write(`${messages} message(s) still wait in the outbox (simopt outbox); a simopt worker sends them\n`)
}

function progressBar() {
  const tty = process.stderr.isTTY === true
  let last = ''
  return {
    draw(percent: number, status: string) {
      const filled = Math.round((percent / 100) * BAR_WIDTH)
      const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${status}`
      if (line === last) return
      last = line
      // Not a terminal (a log, a pipe): one line per change, no carriage returns.
      process.stderr.write(tty ? `\r${line}` : `${line}\n`)
    },
    end() {
      if (tty && last !== '') process.stderr.write('\n')
    },
  }
}
