/**
 * `simopt outbox [list] | resend ID`: the e-mails and webhooks simopt wrote, whether each went out, and
 * why not; a failed or unaddressed message can be sent again once the cause is fixed.
 */
import { Command } from 'commander'
import { z } from 'zod'
import { listMessages, OUTBOX_STATUSES, resendMessage } from '../services/notifications.service.js'
import type { OutboxListItem } from '../store/index.js'
import { formatTime } from './session-summary.js'
import { parseOption } from './options.js'
import { withService } from './service.js'

export function outboxCommand(): Command {
  const outbox = new Command('outbox').description('e-mails and webhooks: sent, waiting, failed or unaddressed')
  outbox.addCommand(
    new Command('list')
      .description('the latest messages, newest first')
      .option('--session <id>', 'only this session')
      .option('--status <status>', `only ${OUTBOX_STATUSES.join(', ')}`)
      .option('--limit <n>', 'how many', '50')
      .action(async (options: { session?: string; status?: string; limit: string }) => {
        const status = options.status === undefined ? undefined : parseOption('--status', options.status, z.enum(OUTBOX_STATUSES))
        const limit = parseOption('--limit', options.limit, z.coerce.number().int().min(1).max(10_000))
        await withService(async (service) => {
          const rows = await listMessages(service, { sessionId: options.session, statuses: status === undefined ? undefined : [status], limit })
          if (rows.length === 0) return void process.stdout.write('no messages\n')
          process.stdout.write(`${rows.map(outboxLine).join('\n')}\n`)
        })
      }),
    { isDefault: true },
  )
  outbox.addCommand(
    new Command('resend')
      .description('send a failed or unaddressed message again (an unaddressed e-mail goes to the recipients set now)')
      .argument('<id>', 'message id')
      .action(async (id: string) => {
        await withService(async (service) => {
          await resendMessage(service, id)
          process.stdout.write(`message ${id} queued again\n`)
        })
      }),
  )
  return outbox
}

export function outboxLine(row: OutboxListItem): string {
  const what = row.channel === 'email' ? `e-mail ${row.kind} to ${row.recipient || '(nobody)'}` : `webhook ${row.kind} #${row.seq} to ${row.recipient || '(none)'}`
  const tries = row.attempts === 0 ? '' : `, ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}`
  return `  ${formatTime(row.created_at)}  ${row.id}  ${row.status}${tries}  ${what}${row.error === null ? '' : `\n      ${row.error}`}`
}
