/**
 * `simopt changes SESSION | approve | push`: the rate plan changes of a session, an operator's approval,
 * and pushing them (or, with `--dry-run`, what would be sent and how long it would take).
 */
import { userInfo } from 'node:os'
import { Command } from 'commander'
import { z } from 'zod'
import { decidePush, SimoptError } from '../domain/index.js'
import { approveAndDecide, decideInstancePush, type InstancePush } from '../jobs/change-push.js'
import { recordJobs } from '../jobs/job-log.js'
import type { Job } from '../jobs/job.js'
import { changeCounts, CHANGE_STATUSES, changesIn, countChanges, measuredPushRate } from '../store/changes.js'
import type { Store } from '../store/database.js'
import { parseProviderSettings } from '../store/provider-settings.js'
import { formatCount, formatMoney } from './format.js'
import { parseOption } from './options.js'
import { withService } from './service.js'

export function changesCommand(): Command {
  const changes = new Command('changes')
    .description("a session's rate plan changes: list them, approve them, push them")
    .argument('[session]', 'session id: list its changes')
    .option('--status <status>', `only changes in this status (${CHANGE_STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many to list', '50')
    .action(async (sessionId: string | undefined, options: { status?: string; limit: string }) => {
      if (sessionId === undefined) throw new SimoptError('INPUT_INVALID', 'give a session id: simopt changes SESSION (or changes approve|push SESSION)')
      const status = options.status === undefined ? undefined : parseOption('--status', options.status, z.enum(CHANGE_STATUSES))
      const limit = parseOption('--limit', options.limit, z.coerce.number().int().min(1).max(1_000_000))
      await withService(async ({ store }) => {
        const instance = await sessionInstance(store, sessionId)
        const counts = await changeCounts(store.db, instance.id)
        const lines = [
          `  changes: ${CHANGE_STATUSES.filter((s) => counts[s] !== undefined).map((s) => `${formatCount(counts[s]!)} ${s}`).join(', ') || 'none'}`,
          `  push: ${instance.push_decision ?? 'not decided yet'}${instance.push_reason === null ? '' : ` (${instance.push_reason})`}`,
        ]
        let query = store.db.selectFrom('changes').selectAll().where('instance_id', '=', instance.id)
        if (status !== undefined) query = query.where('status', '=', status)
        for (const change of await query.orderBy('iccid').limit(limit).execute()) {
          lines.push(`  ${change.iccid}  ${change.old_plan} -> ${change.new_plan}  saves ${formatMoney(change.saving)}  ${change.status}${change.answer === null ? '' : `  (${change.answer})`}`)
        }
        process.stdout.write(`${lines.join('\n')}\n`)
      })
    })
  changes.addCommand(
    new Command('approve')
      .description("approve a session's planned changes (all, or the ICCIDs given) and push them if there is time")
      .argument('<session>', 'session id')
      .option('--iccid <list>', 'only these ICCIDs, separated by commas')
      .option('--by <name>', 'who approves, for the audit log', userInfo().username)
      .action(async (sessionId: string, options: { iccid?: string; by: string }) => {
        await withService(async (service) => {
          const instance = await sessionInstance(service.store, sessionId)
          const actor = `cli:${options.by}`
          const iccids = options.iccid?.split(',').map((iccid) => iccid.trim()).filter((iccid) => iccid !== '')
          const jobs = await service.store.db.transaction().execute(async (trx) => {
            const { approved, push } = await approveAndDecide(trx, service.config, instance.id, actor, iccids)
            process.stdout.write(`approved ${formatCount(approved.length)} changes\n`)
            return reportPush(trx, push)
          })
          await service.queue().publish(jobs)
        })
      }),
  )
  changes.addCommand(
    new Command('push')
      .description('push the approved changes of a session now, if there is time; --dry-run shows what would be sent')
      .argument('<session>', 'session id')
      .option('--dry-run', 'send nothing: list the changes and the time the push would take')
      .option('--by <name>', 'who asks, for the audit log', userInfo().username)
      .action(async (sessionId: string, options: { dryRun?: boolean; by: string }) => {
        await withService(async (service) => {
          const instance = await sessionInstance(service.store, sessionId)
          if (options.dryRun === true) return void process.stdout.write(await dryRun(service.store, instance))
          const actor = `cli:${options.by}`
          const jobs = await service.store.db.transaction().execute(async (trx) => reportPush(trx, await decideInstancePush(trx, service.config, instance.id, actor, true)))
          await service.queue().publish(jobs)
        })
      }),
  )
  return changes
}

/** Says what was decided and records the jobs it queued (published once the transaction commits). */
async function reportPush(trx: Parameters<typeof decideInstancePush>[0], push: InstancePush): Promise<Job[]> {
  process.stdout.write(`${push.verdict}: ${push.decision.reason}\n`)
  if (push.verdict === 'go') process.stdout.write('the push runs on the workers (simopt worker); follow it with simopt changes SESSION and simopt audit --session SESSION\n')
  await recordJobs(trx, push.jobs)
  return [...push.jobs]
}

async function dryRun(store: Store, instance: Awaited<ReturnType<typeof sessionInstance>>): Promise<string> {
  const provider = await store.db.selectFrom('service_providers').selectAll().where('id', '=', instance.provider_id).executeTakeFirstOrThrow()
  const period = await store.db.selectFrom('billing_periods').select('ends_at').where('id', '=', instance.period_id).executeTakeFirstOrThrow()
  const count = await countChanges(store.db, instance.id, ['approved'])
  const decision = decidePush({
    changes: count,
    changesPerMinute: await measuredPushRate(store.db, provider.id),
    now: Date.now(),
    periodEndsAt: period.ends_at,
    writeEnabled: parseProviderSettings(provider.settings, provider.name).writeEnabled,
  })
  const shown = await changesIn(store.db, instance.id, 'approved', 20)
  return [
    `dry run: ${formatCount(count)} approved changes would be sent to ${provider.name}; nothing is sent`,
    `  ${decision.go ? 'go' : 'no-go'}: ${decision.reason}`,
    ...shown.map((change) => `  PUT /devices/${change.iccid}  ratePlan ${change.old_plan} -> ${change.new_plan}`),
    ...(count > shown.length ? [`  … and ${formatCount(count - shown.length)} more`] : []),
    '',
  ].join('\n')
}

async function sessionInstance(store: Store, sessionId: string) {
  const session = await store.db.selectFrom('sessions').select('status').where('id', '=', sessionId).executeTakeFirst()
  if (session === undefined) throw new SimoptError('INPUT_INVALID', `session ${sessionId} does not exist`)
  const instance = await store.db.selectFrom('instances').selectAll().where('session_id', '=', sessionId).executeTakeFirst()
  if (instance === undefined || session.status !== 'done') throw new SimoptError('INPUT_INVALID', `session ${sessionId} is ${session.status}; its changes exist once it is done`)
  return instance
}
