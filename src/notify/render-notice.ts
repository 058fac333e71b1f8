/**
 * What simopt tells people, one kind at a time: the facts each message carries and how it reads. The
 * subject here is the default; a tenant may set its own per kind (`{tenant}`, `{provider}`, `{period}`
 * filled in).
 */
import { DEFAULT_CURRENCY, DEFAULT_TIME_ZONE, formatMoney, formatTime, savingsFigures, type CustomerFiguresLine } from '../domain/index.js'
import { resultsHtml, sessionUrl, type NoticeDisplay } from './results-html.js'
import type { EmailKind } from './tenant-settings.js'

interface SessionFacts {
  readonly tenant: string
  readonly provider: string
  readonly period: string
  readonly sessionId: string
}

export interface Attachment {
  readonly filename: string
  readonly content: Buffer
  readonly contentType: string
}

export type Notice =
  | (SessionFacts & {
      readonly kind: 'results'
      readonly sims: number
      /** Says how many of the provider's SIMs are priced and why not all, when some are not. */
      readonly unpricedNote?: string | null | undefined
      readonly changes: number
      readonly costBefore: number
      readonly costAfter: number
      readonly lowerBound: number | null
      readonly baselineCost: number | null
      readonly workbook: Attachment
      /** Sheets the attachment leaves out because the whole workbook is too big to e-mail. */
      readonly sheetsLeftOut: readonly string[]
      /** ISO 4217 code of the amounts (the provider's currency); default USD. */
      readonly currency?: string | undefined
      /** The billing period's bounds, epoch ms. */
      readonly periodStart?: number | undefined
      readonly periodEnd?: number | undefined
      /** The changes that save the most, largest first. */
      readonly topChanges?: readonly TopChange[] | undefined
    })
  | (SessionFacts & {
      readonly kind: 'customer-results'
      /** Per customer, by external id; money in the tenant's currency. */
      readonly customers: readonly CustomerLine[]
      /** How old the usage priced is, in words. */
      readonly usageNote: string
      readonly workbook: Attachment
      readonly currency?: string | undefined
    })
  | (SessionFacts & { readonly kind: 'sync-error'; readonly error: string })
  | { readonly kind: 'already-running'; readonly tenant: string; readonly provider: string; readonly period: string; readonly runningSessionId: string; readonly status: string }
  | (SessionFacts & { readonly kind: 'unexpected-sim-count'; readonly sims: number; readonly previousSims: number; readonly previousPeriod: string; readonly limitPct: number })
  | { readonly kind: 'cache-unreachable'; readonly error: string; readonly at: number }
  | (SessionFacts & {
      readonly kind: 'go-no-go'
      readonly go: boolean
      readonly changes: number
      readonly estimatedMinutes: number
      readonly periodEndsAt: number
      readonly reason: string
    })
  | (SessionFacts & { readonly kind: 'plan-discrepancies'; readonly discrepancies: readonly { readonly iccid: string; readonly expected: string; readonly found: string }[] })
  | (SessionFacts & { readonly kind: 'new-comm-plans'; readonly commPlans: readonly string[] })
  | (SessionFacts & {
      readonly kind: 'usage-feed-stale'
      /** Where the files are (redacted address), and the newest of the account's files there. */
      readonly folder: string
      readonly newestFile: string | null
      /** Epoch ms the newest file's figures are as of; null: the folder holds none. */
      readonly newestAsOf: number | null
      readonly staleHours: number
    })

/** A customer's figures as the consolidated customer e-mail lists them (issue 20). */
export type CustomerLine = CustomerFiguresLine

/** A rate plan change as a results e-mail lists it. */
export interface TopChange {
  readonly iccid: string
  readonly oldPlan: string
  readonly newPlan: string
  readonly saving: number
  readonly ownSaving: number
  readonly poolEffect: number
}

export type ResultsNotice = Extract<Notice, { kind: 'results' }>
export type { NoticeDisplay } from './results-html.js'

export interface RenderedNotice {
  readonly subject: string
  readonly text: string
  /** The same message as HTML (the results e-mail); absent: text only. */
  readonly html?: string | undefined
  readonly attachments: readonly Attachment[]
}

const count = (value: number) => value.toLocaleString('en-US')


const DEFAULT_SUBJECTS: Readonly<Record<EmailKind, string>> = {
  results: 'simopt: {provider} {period} optimized',
  'customer-results': 'simopt: customer plans of {tenant} for {period} optimized',
  'sync-error': 'simopt: sync of {provider} {period} failed',
  'already-running': 'simopt: {provider} {period} not started, a session is already running',
  'unexpected-sim-count': 'simopt: unexpected SIM count for {provider} {period}',
  'cache-unreachable': 'simopt: cache not reachable',
  'go-no-go': 'simopt: rate plan changes for {provider} {period}',
  'plan-discrepancies': 'simopt: rate plan discrepancies for {provider} {period}',
  'new-comm-plans': 'simopt: new communication plans for {provider}',
  'usage-feed-stale': 'simopt: usage reports of {provider} not being delivered',
}

/**
 * The notice as an e-mail; `subject` is the tenant's own subject line for this kind, if it set one. The
 * results e-mail has an HTML part beside its text.
 */
export function renderNotice(notice: Notice, subject?: string, display: NoticeDisplay = { timeZone: DEFAULT_TIME_ZONE }): RenderedNotice {
  const fields: Record<string, string> = 'tenant' in notice ? { tenant: notice.tenant, provider: notice.provider, period: notice.period } : {}
  const filled = (subject ?? DEFAULT_SUBJECTS[notice.kind]).replace(/\{(tenant|provider|period)\}/g, (_, name: string) => fields[name] ?? '')
  const { text, attachments } = body(notice, display)
  const html = notice.kind === 'results' ? resultsHtml(notice, filled, display) : undefined
  return { subject: filled, text: `${text}\n`, html, attachments }
}

function lines(...rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length))
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')
}

function body(notice: Notice, display: NoticeDisplay): { text: string; attachments: readonly Attachment[] } {
  const time = (at: number) => formatTime(at, display.timeZone)
  switch (notice.kind) {
    case 'results': {
      const money = (value: number) => formatMoney(value, notice.currency ?? DEFAULT_CURRENCY)
      const figures = savingsFigures(notice.costBefore, notice.costAfter, notice.lowerBound)
      const rows: [string, string][] = [
        ...(notice.periodStart === undefined || notice.periodEnd === undefined ? [] : [['period', `${notice.period}: ${time(notice.periodStart)} to ${time(notice.periodEnd)}`] as [string, string]]),
        ['SIMs', count(notice.sims)],
        ['changes', count(notice.changes)],
        ['cost before', money(notice.costBefore)],
        ['cost after', money(notice.costAfter)],
        ['savings', `${money(figures.savings)} (${figures.savingsPct.toFixed(2)}%)`],
      ]
      if (notice.lowerBound !== null && figures.gapPct !== null) rows.push(['lower bound', `${money(notice.lowerBound)} (gap ${figures.gapPct.toFixed(3)}%)`])
      if (notice.baselineCost !== null) rows.push(['old method', `${money(notice.baselineCost)} (simopt saves ${money(notice.baselineCost - notice.costAfter)} more)`])
      const link = sessionUrl(display, notice.sessionId)
      const top = notice.topChanges ?? []
      const topText =
        top.length === 0
          ? ''
          : `\nThe changes that save the most (own saving + pool effect):\n${top.map((change) => `  ${change.iccid}  ${change.oldPlan} -> ${change.newPlan}  ${money(change.saving)} (own ${money(change.ownSaving)}, pool ${money(change.poolEffect)})`).join('\n')}\n`
      const omitted =
        notice.sheetsLeftOut.length === 0
          ? ''
          : `\nThe workbook attached leaves out the ${notice.sheetsLeftOut.join(' and ')} sheet${notice.sheetsLeftOut.length > 1 ? 's' : ''}: with ${count(notice.sims)} SIMs the whole one is too big for e-mail. The whole workbook: simopt report ${notice.sessionId} --xlsx FILE\n`
      const unpriced = notice.unpricedNote == null ? '' : `\nNot every SIM is in these figures: ${notice.unpricedNote}.\n`
      return {
        text: `The session ${notice.sessionId} optimized ${notice.provider} (tenant ${notice.tenant}) for ${notice.period}.\n\n${lines(...rows)}\n${topText}${unpriced}${omitted}${link === undefined ? '' : `\nOn the dashboard: ${link}\n`}`,
        attachments: [notice.workbook],
      }
    }
    case 'customer-results': {
      const money = (value: number) => formatMoney(value, notice.currency ?? DEFAULT_CURRENCY)
      const sum = (pick: (line: CustomerLine) => number) => notice.customers.reduce((total, line) => total + pick(line), 0)
      const before = sum((line) => line.billBefore)
      const after = sum((line) => line.billAfter)
      const table = notice.customers.map(
        (line) =>
          `  ${line.customer} (${line.name}): ${count(line.sims)} SIMs, ${count(line.changes)} changes, ${money(line.billBefore)} -> ${money(line.billAfter)}, bound ${money(line.lowerBound)} (gap ${line.gapPct.toFixed(3)}%), old method ${money(line.baselineCost)}`,
      )
      return {
        text:
          `The session ${notice.sessionId} optimized the customer rate plans of ${count(notice.customers.length)} customers of tenant ${notice.tenant} for ${notice.period}: ` +
          `their bills go from ${money(before)} to ${money(after)} (${before > 0 ? (((before - after) / before) * 100).toFixed(2) : '0.00'}% less). ${notice.usageNote}. Nothing is changed at any carrier.\n\n${table.join('\n')}\n\nThe workbook attached has a Summary sheet and a sheet per customer.\n`,
        attachments: [notice.workbook],
      }
    }
    case 'sync-error':
      return { text: `The carrier sync of ${notice.provider} (tenant ${notice.tenant}) for ${notice.period} failed; session ${notice.sessionId} stopped.\n\n  ${notice.error}\n\nOnce the cause is fixed: simopt restart ${notice.sessionId}`, attachments: [] }
    case 'already-running':
      return {
        text: `A session for ${notice.provider} (tenant ${notice.tenant}), period ${notice.period}, was not started: session ${notice.runningSessionId} is still running (${notice.status}).`,
        attachments: [],
      }
    case 'unexpected-sim-count': {
      const change = notice.previousSims === 0 ? Infinity : (100 * (notice.sims - notice.previousSims)) / notice.previousSims
      return {
        text: `${notice.provider} (tenant ${notice.tenant}) has ${count(notice.sims)} SIMs for ${notice.period}, against ${count(notice.previousSims)} in ${notice.previousPeriod} (${Number.isFinite(change) ? `${change > 0 ? '+' : ''}${change.toFixed(1)}%` : 'none before'}; more than ${notice.limitPct}% is reported). Session ${notice.sessionId} goes on; check the sync and the carrier account.`,
        attachments: [],
      }
    }
    case 'cache-unreachable':
      return { text: `simopt could not reach its cache (Redis) at ${time(notice.at)} and carries on without it.\n\n  ${notice.error}`, attachments: [] }
    case 'go-no-go':
      return {
        text: `${notice.go ? 'GO' : 'NO-GO'} for ${count(notice.changes)} rate plan changes of ${notice.provider} (tenant ${notice.tenant}), ${notice.period}, session ${notice.sessionId}.\n\n${lines(
          ['estimated push', `${notice.estimatedMinutes.toFixed(1)} minutes`],
          ['period ends', time(notice.periodEndsAt)],
          ['reason', notice.reason],
        )}`,
        attachments: [],
      }
    case 'plan-discrepancies':
      return {
        text: `${count(notice.discrepancies.length)} rate plan changes of ${notice.provider} (tenant ${notice.tenant}), ${notice.period}, are not in place (session ${notice.sessionId}):\n\n${notice.discrepancies
          .map((d) => `  ${d.iccid}  expected ${d.expected}, found ${d.found}`)
          .join('\n')}`,
        attachments: [],
      }
    case 'new-comm-plans':
      return {
        text: `The carrier sync of ${notice.provider} (tenant ${notice.tenant}) for ${notice.period} found communication plans the price sheet does not know:\n\n${notice.commPlans.map((name) => `  ${name}`).join('\n')}\n\nTheir SIMs keep their rate plans until the price sheet says which plans they allow (simopt import).`,
        attachments: [],
      }
    case 'usage-feed-stale':
      return {
        text:
          `The usage reports of ${notice.provider} (tenant ${notice.tenant}) are not being delivered: ` +
          (notice.newestAsOf === null ? `${notice.folder} holds none of the account's report files.` : `the newest in ${notice.folder} is ${notice.newestFile}, as of ${time(notice.newestAsOf)}, more than ${notice.staleHours} hours ago.`) +
          `\n\nSession ${notice.sessionId} for ${notice.period} goes on with the usage it has; its figures are as old as the newest file loaded. Ask the carrier to deliver the files, or check the SFTP address and login (simopt provider set --sftp-url).`,
        attachments: [],
      }
  }
}
