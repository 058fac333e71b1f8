/**
 * `simopt tenant set|show`: a tenant's settings: who gets which e-mail (with which subject), the webhook
 * and its signing secret (stored sealed, never shown), when a SIM count is unexpected, whether rate plan
 * changes wait for approval, and whether the schedule runs every hour on a period's last day.
 */
import { Command } from 'commander'
import { z } from 'zod'
import { emailList } from '../config.js'
import { SimoptError, quoteInput } from '../domain/index.js'
import { EMAIL_KINDS, type EmailKind } from '../notify/tenant-settings.js'
import { setTenantSettings, showTenantSettings, type TenantSettingsChange } from '../services/tenants.service.js'
import { nameArgument } from './options.js'
import { withService } from './service.js'

interface TenantSetOptions {
  tenant: string
  emailTo?: string
  email: string[]
  subject: string[]
  webhookUrl?: string
  webhookSecret?: string
  simCountChangePct?: string
  requireApproval?: boolean
  continuousLastDay?: boolean
  timeZone?: string
  emailFrom?: string
}

const collect = (value: string, previous: string[]) => [...previous, value]

export function tenantCommand(): Command {
  const tenant = new Command('tenant').description("a tenant's settings: notifications, approval, the last day's runs")
  tenant.addCommand(
    new Command('set')
      .description('change notification settings (the tenant is created when missing); only the options given change')
      .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
      .option('--email-to <addresses>', 'default recipients of every e-mail, separated by commas ("" clears them)')
      .option('--email <kind=addresses>', `recipients of one kind of e-mail (${EMAIL_KINDS.join(', ')}); repeatable`, collect, [])
      .option('--subject <kind=text>', 'subject of one kind of e-mail; {tenant}, {provider} and {period} are filled in; repeatable', collect, [])
      .option('--webhook-url <url>', 'where progress and errors of sessions are POSTed ("" removes it)')
      .option('--webhook-secret <secret>', 'signs the webhook bodies (HMAC-SHA256; stored encrypted, never shown)')
      .option('--sim-count-change-pct <percent>', 'report a fleet whose SIM count moved more than this since the last session')
      .option('--require-approval', 'rate plan changes wait for an operator (simopt changes approve) before any is pushed')
      .option('--no-require-approval', 'changes are pushed on a go without approval')
      .option('--continuous-last-day', 'on the last day of a period, scheduled sessions run every hour from the start hour, not once')
      .option('--no-continuous-last-day', 'one scheduled session a day, the last day too')
      .option('--time-zone <zone>', 'IANA time zone times are shown in (e-mails, workbooks); default UTC')
      .option('--email-from <from>', 'From of the tenant\'s e-mails, "Name <address>" or an address ("" for SIMOPT_MAIL_FROM)')
      .action(async (options: TenantSetOptions) => {
        const change = settingsChange(options)
        await withService(async (service) => {
          await setTenantSettings(service, change)
          process.stdout.write(`updated tenant ${options.tenant}\n`)
        })
      }),
  )
  tenant.addCommand(
    new Command('show')
      .description("a tenant's notification settings (the webhook secret only as set or not)")
      .requiredOption('--tenant <name>', 'tenant', nameArgument('--tenant'))
      .action(async (options: { tenant: string }) => {
        await withService(async (service) => {
          const { settings, hasWebhookSecret } = await showTenantSettings(service, { tenant: options.tenant })
          const lines = [
            `tenant ${options.tenant}`,
            `  e-mail to         ${settings.emailTo.join(', ') || '(nobody: set --email-to)'}`,
            ...EMAIL_KINDS.flatMap((kind) => {
              const own = settings.email[kind]
              return own === undefined ? [] : [`  ${kind.padEnd(18)}${own.to === undefined ? '' : `to ${own.to.join(', ')}`}${own.subject === undefined ? '' : `  subject "${own.subject}"`}`]
            }),
            `  webhook           ${settings.webhookUrl ?? '(none)'}${hasWebhookSecret ? ' (secret set)' : ''}`,
            `  SIM count change  reported above ${settings.simCountChangePct}%`,
            `  rate plan changes ${settings.requireApproval ? 'wait for approval' : 'pushed on a go'}`,
            `  last day          ${settings.continuousLastDay ? 'a scheduled session every hour' : 'one scheduled session'}`,
            `  time zone         ${settings.timeZone}`,
            `  e-mail from       ${settings.emailFrom ?? '(SIMOPT_MAIL_FROM)'}`,
          ]
          process.stdout.write(`${lines.join('\n')}\n`)
        })
      }),
  )
  return tenant
}

/** The options given, each parsed; the service applies them and checks the settings as a whole. */
function settingsChange(options: TenantSetOptions): TenantSettingsChange {
  const email = [
    ...options.email.map((pair) => {
      const [kind, value] = kindValue('--email', pair)
      return { kind, to: emailList(value) }
    }),
    ...options.subject.map((pair) => {
      const [kind, subject] = kindValue('--subject', pair)
      return { kind, subject }
    }),
  ]
  return {
    tenant: options.tenant,
    email,
    ...(options.emailTo === undefined ? {} : { emailTo: emailList(options.emailTo) }),
    ...(options.webhookUrl === undefined ? {} : { webhookUrl: options.webhookUrl === '' ? null : options.webhookUrl }),
    ...(options.webhookSecret === undefined ? {} : { webhookSecret: secretOption(options.webhookSecret) }),
    ...(options.simCountChangePct === undefined ? {} : { simCountChangePct: Number(options.simCountChangePct) }),
    ...(options.requireApproval === undefined ? {} : { requireApproval: options.requireApproval }),
    ...(options.continuousLastDay === undefined ? {} : { continuousLastDay: options.continuousLastDay }),
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
    ...(options.emailFrom === undefined ? {} : { emailFrom: options.emailFrom === '' ? null : options.emailFrom }),
  }
}

function kindValue(option: string, pair: string): [EmailKind, string] {
  const at = pair.indexOf('=')
  const kind = pair.slice(0, Math.max(0, at))
  if (at < 0 || !(EMAIL_KINDS as readonly string[]).includes(kind)) {
    throw new SimoptError('INPUT_INVALID', `option ${option} must look like KIND=value with KIND one of ${EMAIL_KINDS.join(', ')}, got ${quoteInput(pair)}`)
  }
  return [kind as EmailKind, pair.slice(at + 1)]
}

function secretOption(secret: string): string {
  const parsed = z.string().min(16).safeParse(secret)
  if (!parsed.success) throw new SimoptError('INPUT_INVALID', 'option --webhook-secret must be at least 16 characters')
  return parsed.data
}
