/**
 * `simopt changes SESSION | approve | push`: the rate plan changes of a session, an operator's approval,
 * and pushing them (or, with `--dry-run`, what would be sent and how long it would take).
 */
import { userInfo } from 'node:os'
import { Command } from 'commander'
import { z } from 'zod'
import { SimoptError } from '../domain/index.js'
import { approveChanges, listChanges, previewPush, pushChanges, type PushAnswer, type PushPreview } from '../services/changes.service.js'
import { CHANGE_STATUSES } from '../store/index.js'
import { formatCount, formatMoney } from './format.js'
import { parseOption } from './options.js'
import { withService } from './service.js'

/** Changes a dry run lists; the rest are counted. */
const DRY_RUN_SHOWN = 20

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
      await withService(async (service) => {
        const listing = await listChanges(service, sessionId, { status, limit })
        const { counts } = listing
        const lines = [
          `  changes: ${CHANGE_STATUSES.filter((s) => counts[s] !== undefined).map((s) => `${formatCount(counts[s]!)} ${s}`).join(', ') || 'none'}`,
          `  push: ${listing.pushDecision ?? 'not decided yet'}${listing.pushReason === null ? '' : ` (${listing.pushReason})`}`,
          ...listing.rows.map((change) => `  ${change.iccid}  ${change.oldPlan} -> ${change.newPlan}  saves ${formatMoney(change.saving)}  ${change.status}${change.answer === null ? '' : `  (${change.answer})`}`),
        ]
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
        const iccids = options.iccid?.split(',').map((iccid) => iccid.trim()).filter((iccid) => iccid !== '')
        await withService(async (service) => {
          const answer = await approveChanges(service, sessionId, iccids, `cli:${options.by}`)
          process.stdout.write(`approved ${formatCount(answer.approved)} changes\n${decisionLines(answer)}`)
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
          if (options.dryRun === true) return void process.stdout.write(dryRunLines(await previewPush(service, sessionId, DRY_RUN_SHOWN)))
          process.stdout.write(decisionLines(await pushChanges(service, sessionId, `cli:${options.by}`)))
        })
      }),
  )
  return changes
}

/** What was decided, and where to follow a push that was queued. */
function decisionLines(answer: PushAnswer): string {
  const follow = answer.verdict === 'go' ? 'the push runs on the workers (simopt worker); follow it with simopt changes SESSION and simopt audit --session SESSION\n' : ''
  return `${answer.verdict}: ${answer.reason}\n${follow}`
}

function dryRunLines(preview: PushPreview): string {
  return [
    `dry run: ${formatCount(preview.count)} approved changes would be sent to ${preview.provider}; nothing is sent`,
    `  ${preview.decision.go ? 'go' : 'no-go'}: ${preview.decision.reason}`,
    ...preview.changes.map((change) => `  PUT /devices/${change.iccid}  ratePlan ${change.oldPlan} -> ${change.newPlan}`),
    ...(preview.count > preview.changes.length ? [`  … and ${formatCount(preview.count - preview.changes.length)} more`] : []),
    '',
  ].join('\n')
}
