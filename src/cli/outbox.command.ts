/**
 * `simopt outbox [list] | resend ID`: the e-mails and webhooks simopt wrote, whether each went out, and
 * why not; a failed or unaddressed message can be sent again once the cause is fixed.
 */
import { Command } from 'commander'
import { z } from 'zod'
import { SimoptError } from '../domain/index.js'
import { job } from '../jobs/job.js'
import { recordJobs } from '../jobs/job-log.js'
import { parseTenantSettings, recipientsOf, EMAIL_KINDS, type EmailKind } from '../notify/tenant-settings.js'
import { findOutboxMessage, listOutbox, requeueOutboxMessage } from '../store/outbox.js'
import { formatTime } from './session-summary.js'
import { parseOption } from './options.js'
import { withService } from './service.js'

const STATUSES = ['pending', 'sent', 'failed', 'unaddressed'] as const

export function outboxCommand(): Command {
  const outbox = new Command('outbox').description('e-mails and webhooks: sent, waiting, failed or unaddressed')
  outbox.addCommand(
    new Command('list')
      .description('the latest messages, newest first')
      .option('--session <id>', 'only this session')
      .option('--status <status>', `only ${STATUSES.join(', ')}`)
      .option('--limit <n>', 'how many', '50')
      .action(async (options: { session?: string; status?: string; limit: string }) => {
        const status = options.status === undefined ? undefined : parseOption('--status', options.status, z.enum(STATUSES))
        const limit = parseOption('--limit', options.limit, z.coerce.number().int().min(1).max(10_000))
        await withService(async ({ store }) => {
          const rows = await listOutbox(store.db, { sessionId: options.session, statuses: status === undefined ? undefined : [status], limit })
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
          const { store } = service
          const message = await findOutboxMessage(store.db, id)
          if (message === undefined) throw new SimoptError('INPUT_INVALID', `message ${id} does not exist`)
          if (message.status !== 'failed' && message.status !== 'unaddressed') throw new SimoptError('INPUT_INVALID', `message ${id} is ${message.status}; only failed or unaddressed messages are sent again`)
          const change =
            message.status === 'unaddressed' && message.channel === 'email' ? await readdress(store, service.config.errorEmail, message.tenant_id, message.kind, message.body) : {}
          const deliver = job('deliver-message', id, `resend-${Date.now()}`)
          await store.db.transaction().execute(async (trx) => {
            if (!(await requeueOutboxMessage(trx, id, change))) throw new SimoptError('INPUT_INVALID', `message ${id} changed meanwhile; look again`)
            await recordJobs(trx, [deliver])
          })
          await service.queue().publish([deliver])
          process.stdout.write(`message ${id} queued again\n`)
        })
      }),
  )
  return outbox
}

export function outboxLine(row: Awaited<ReturnType<typeof listOutbox>>[number]): string {
  const what = row.channel === 'email' ? `e-mail ${row.kind} to ${row.recipient || '(nobody)'}` : `webhook ${row.kind} #${row.seq} to ${row.recipient || '(none)'}`
  const tries = row.attempts === 0 ? '' : `, ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}`
  return `  ${formatTime(row.created_at)}  ${row.id}  ${row.status}${tries}  ${what}${row.error === null ? '' : `\n      ${row.error}`}`
}

/** An unaddressed e-mail, addressed to whoever the tenant's settings name now. */
async function readdress(
  store: { db: Parameters<typeof listOutbox>[0] },
  errorEmail: readonly string[],
  tenantId: string | null,
  kind: string,
  body: Uint8Array,
): Promise<{ recipient: string; body: Uint8Array }> {
  const tenant = tenantId === null ? undefined : await store.db.selectFrom('tenants').select(['name', 'settings']).where('id', '=', tenantId).executeTakeFirst()
  const to =
    kind === 'cache-unreachable'
      ? errorEmail
      : tenant === undefined || !(EMAIL_KINDS as readonly string[]).includes(kind)
        ? []
        : recipientsOf(parseTenantSettings(tenant.settings, tenant.name), kind as EmailKind)
  if (to.length === 0) throw new SimoptError('INPUT_INVALID', `still no recipients for ${kind} e-mails${tenant === undefined ? '' : ` of tenant ${tenant.name}`}: set them first (simopt tenant set, or SIMOPT_ERROR_EMAIL)`)
  // The message was composed without a To header; headers may come in any order, so it goes first.
  return { recipient: to.join(', '), body: Buffer.concat([Buffer.from(`To: ${to.join(', ')}\r\n`), Buffer.from(body)]) }
}
