/** `simopt sessions cancel <session>`: what the API's `POST /api/sessions/{id}/cancel` does, from the command line. */
import { userInfo } from 'node:os'
import { Command } from 'commander'
import { cancelSession } from '../services/sessions.service.js'
import { withService } from './service.js'

export function sessionsCommand(): Command {
  const sessions = new Command('sessions').description('act on one session (simopt status lists them)')
  sessions.addCommand(
    new Command('cancel')
      .description('cancel a session that has not ended: its jobs stop, its period is free for a new run')
      .argument('<session>', 'session id')
      .option('--by <name>', 'who cancels, named in its stages', userInfo().username)
      .action(async (sessionId: string, options: { by: string }) => {
        await withService(async (service) => {
          const view = await cancelSession(service, sessionId, `cli:${options.by}`)
          process.stdout.write(`session ${view.id} is ${view.status}${view.message === null ? '' : ` (${view.message})`}\n`)
        })
      }),
  )
  return sessions
}
