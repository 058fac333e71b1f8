/**
 * `--wait`: follows a session until it ends, drawing a progress bar on standard error. With the local
 * queue there may be no `simopt worker` running, so this process works on jobs meanwhile (alongside any
 * workers there are).
 */
import { startWorker } from '../jobs/worker.js'
import { settleSessionMessages, waitForSession as followSession } from '../services/sessions.service.js'
import type { SessionView } from '../store/index.js'
import type { Service } from './service.js'
import { progressDetail } from './session-summary.js'

const BAR_WIDTH = 30
/** How long a finished session's messages get to go out before this process leaves them to a worker. */
const DRAIN_MS = 15_000

export async function waitForSession(service: Service, sessionId: string): Promise<SessionView> {
  const { config, store } = service
  const worker = config.queue === 'local' ? await startWorker(config, store, service.queue(), service.workerId) : undefined
  const bar = progressBar()
  try {
    const view = await followSession(service, sessionId, (seen) => bar.draw(seen.percent, seen.status, progressDetail(seen)))
    // This process's worker sends the session's e-mails and webhooks, for a while, before it stops.
    if (worker !== undefined) {
      const messages = await settleSessionMessages(service, sessionId, DRAIN_MS)
      if (messages > 0) process.stderr.write(`${messages} message(s) still wait in the outbox (simopt outbox); a simopt worker sends them\n`)
    }
    return view
  } finally {
    bar.end()
    await worker?.stop()
  }
}

/**
 * On a terminal, one line redrawn with what the session is doing (SIMs read, calls, time left). Elsewhere (a
 * log, a pipe) a line each time the percent or the status changes, without the detail that changes every poll.
 */
function progressBar() {
  const tty = process.stderr.isTTY === true
  let last = ''
  let drawn = false
  return {
    draw(percent: number, status: string, detail: string) {
      const filled = Math.round((percent / 100) * BAR_WIDTH)
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${status}`
      const line = tty && detail !== '' ? `${bar}: ${detail}` : bar
      if (line === last) return
      last = line
      drawn = true
      // \x1b[K clears what a longer line before left at the end.
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
    },
    end() {
      if (tty && drawn) process.stderr.write('\n')
    },
  }
}
