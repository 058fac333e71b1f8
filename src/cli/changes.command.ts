/**
 * `simopt changes SESSION | approve | push`: the rate plan changes of a session (filtered and sorted by plan
 * and saving, each saving split into its own and its pool effect, with the selection's total), an operator's
 * approval (all, some ICCIDs, or a filter's selection, answering what it adds up to), and pushing them (or,
 * with `--dry-run`, what would be sent and how long it would take).
 */
import { userInfo } from 'node:os'
import { Command } from 'commander'
import { z } from 'zod'
import { formatMoney, SimoptError } from '../domain/index.js'
import { approveChanges, listChanges, previewPush, pushChanges, type ApprovalSelection, type PushAnswer, type PushPreview } from '../services/changes.service.js'
import { CHANGE_ORDERS, CHANGE_STATUSES, type ChangeFilter, type ChangeSelection } from '../store/index.js'
import { formatCount } from './format.js'
import { parseOption, signedMoneyOption } from './options.js'
import { withService } from './service.js'

/** Changes a dry run lists; the rest are counted. */
const DRY_RUN_SHOWN = 20

interface FilterOptions {
  fromPlan?: string
  toPlan?: string
  minSaving?: string
  maxSaving?: string
}

/** The options that select changes by plan and saving, on the list and on approve. */
function withFilterOptions(command: Command): Command {
  return command
    .option('--from-plan <code>', 'only changes off this plan')
    .option('--to-plan <code>', 'only changes onto this plan')
    .option('--min-saving <amount>', 'only changes saving at least this much (own saving plus pool effect)')
    .option('--max-saving <amount>', 'only changes saving at most this much (0: those that do not save)')
}

function filterOf(options: FilterOptions): Omit<ChangeFilter, 'status'> {
  return {
    fromPlan: options.fromPlan,
    toPlan: options.toPlan,
    minSaving: options.minSaving === undefined ? undefined : parseOption('--min-saving', options.minSaving, signedMoneyOption),
    maxSaving: options.maxSaving === undefined ? undefined : parseOption('--max-saving', options.maxSaving, signedMoneyOption),
  }
}

export function changesCommand(): Command {
  const changes = withFilterOptions(
    new Command('changes')
      .description("a session's rate plan changes: list them, approve them, push them")
      .argument('[session]', 'session id: list its changes')
      .option('--status <status>', `only changes in this status (${CHANGE_STATUSES.join(', ')})`)
      .option('--order <order>', `${CHANGE_ORDERS.join(', ')}`, 'iccid')
      .option('--after <next>', "start after where the previous list ended (its 'next')")
      .option('--limit <n>', 'how many to list', '50')
      // The list and `approve` share the filter options: each must keep its own, or `changes approve S
      // --to-plan X` would hand --to-plan to the list and approve every planned change.
      .enablePositionalOptions(),
  ).action(async (sessionId: string | undefined, options: FilterOptions & { status?: string; order: string; after?: string; limit: string }) => {
    if (sessionId === undefined) throw new SimoptError('INPUT_INVALID', 'give a session id: simopt changes SESSION (or changes approve|push SESSION)')
    const status = options.status === undefined ? undefined : parseOption('--status', options.status, z.enum(CHANGE_STATUSES))
    const order = parseOption('--order', options.order, z.enum(CHANGE_ORDERS))
    const limit = parseOption('--limit', options.limit, z.coerce.number().int().min(1).max(1_000_000))
    const filter = filterOf(options)
    await withService(async (service) => {
      const listing = await listChanges(service, sessionId, { ...filter, status, order, after: options.after, limit })
      const { counts } = listing
      const filtered = status !== undefined || Object.values(filter).some((value) => value !== undefined)
      const lines = [
        `  changes: ${CHANGE_STATUSES.filter((s) => counts[s] !== undefined).map((s) => `${formatCount(counts[s]!)} ${s}`).join(', ') || 'none'}`,
        `  push: ${listing.pushDecision ?? 'not decided yet'}${listing.pushReason === null ? '' : ` (${listing.pushReason})`}`,
        `  ${filtered ? 'selected' : 'all'}: ${selectionText(listing.selection, listing.currency)}`,
        ...listing.rows.map((change) => {
          const money = (value: number) => formatMoney(value, listing.currency)
          const answer = change.answer === null ? '' : `  (${change.answer})`
          return `  ${change.iccid}  ${change.oldPlan} -> ${change.newPlan}  saves ${money(change.saving)} (own ${money(change.ownSaving)}, pool ${money(change.poolEffect)})  ${change.status}${answer}`
        }),
        ...(listing.next === null ? [] : [`  more: --after ${listing.next}`]),
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
    })
  })
  changes.addCommand(
    withFilterOptions(
      new Command('approve')
        .description("approve a session's planned changes (all, the ICCIDs given, or those the filter options select) and push them if there is time")
        .argument('<session>', 'session id')
        .option('--iccid <list>', 'only these ICCIDs, separated by commas')
        .option('--by <name>', 'who approves, for the audit log', userInfo().username),
    ).action(async (sessionId: string, options: FilterOptions & { iccid?: string; by: string }) => {
      const iccids = options.iccid?.split(',').map((iccid) => iccid.trim()).filter((iccid) => iccid !== '')
      const filter = filterOf(options)
      const filtered = Object.values(filter).some((value) => value !== undefined)
      if (iccids !== undefined && filtered) throw new SimoptError('INPUT_INVALID', 'give --iccid or the filter options (--from-plan, --to-plan, --min-saving, --max-saving), not both', { field: '--iccid' })
      const selection: ApprovalSelection = iccids !== undefined ? { iccids } : filtered ? { filter } : 'all'
      await withService(async (service) => {
        const answer = await approveChanges(service, sessionId, selection, `cli:${options.by}`)
        process.stdout.write(`approved ${selectionText(answer.approvedSelection, answer.currency)}\n${decisionLines(answer)}`)
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

/** `1,448 changes saving $20,771.79 (own $20,308.58, pool effects $463.21)` */
function selectionText(selection: ChangeSelection, currency: string): string {
  const money = (value: number) => formatMoney(value, currency)
  return `${formatCount(selection.changes)} changes saving ${money(selection.saving)} (own ${money(selection.ownSaving)}, pool effects ${money(selection.poolEffect)})`
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
