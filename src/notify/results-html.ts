/**
 * The results e-mail as HTML, beside its text part: the saving first, against the old method too, the period
 * in the tenant's time zone, the figures, the changes that save the most, and a link to the session on the
 * dashboard. Written for mail programs: tables for layout, inline styles, no script, no images, at most 600
 * pixels wide and narrower on a phone; every value from outside is escaped.
 */
import { DEFAULT_CURRENCY, formatMoney, formatTime, savingsFigures } from '../domain/index.js'
import type { ResultsNotice } from './render-notice.js'

/** How the reader sees figures: the tenant's time zone, and where the dashboard is (for links). */
export interface NoticeDisplay {
  readonly timeZone: string
  /** The dashboard's address as people reach it (`SIMOPT_PUBLIC_URL`); undefined: no link. */
  readonly publicUrl?: string | undefined
}

/** The dashboard's page of a session, when the dashboard's public address is known. */
export function sessionUrl(display: NoticeDisplay, sessionId: string): string | undefined {
  return display.publicUrl === undefined ? undefined : `${display.publicUrl}/#/sessions/${encodeURIComponent(sessionId)}`
}

const INK = '#1d2430'
const MUTED = '#5b6574'
const LINE = '#d9dee5'
const GOOD = '#1f8a5b'
const ACCENT = '#1f5fbf'
const FONT = 'font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif'

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text as HTML text or attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

export function resultsHtml(notice: ResultsNotice, subject: string, display: NoticeDisplay): string {
  const currency = notice.currency ?? DEFAULT_CURRENCY
  const money = (value: number) => escapeHtml(formatMoney(value, currency))
  const time = (at: number) => escapeHtml(formatTime(at, display.timeZone))
  const figures = savingsFigures(notice.costBefore, notice.costAfter, notice.lowerBound)
  const link = sessionUrl(display, notice.sessionId)
  const period =
    notice.periodStart === undefined || notice.periodEnd === undefined
      ? escapeHtml(notice.period)
      : `${escapeHtml(notice.period)} (${time(notice.periodStart)} to ${time(notice.periodEnd)})`

  const rows: [string, string][] = [
    ['SIMs', escapeHtml(notice.sims.toLocaleString('en-US'))],
    ['Rate plan changes', escapeHtml(notice.changes.toLocaleString('en-US'))],
    ['Cost before', money(notice.costBefore)],
    ['Cost after', money(notice.costAfter)],
    ['Savings', `${money(figures.savings)} (${figures.savingsPct.toFixed(2)}%)`],
  ]
  if (notice.baselineCost !== null) rows.push(['Old method’s cost', `${money(notice.baselineCost)}: simopt saves ${money(notice.baselineCost - notice.costAfter)} more`])
  if (notice.lowerBound !== null && figures.gapPct !== null) rows.push(['Lower bound', `${money(notice.lowerBound)} (within ${figures.gapPct.toFixed(3)}% of the best possible)`])

  const top = notice.topChanges ?? []
  const cell = (content: string, align: 'left' | 'right' = 'left') => `<td style="padding:6px 8px;border-bottom:1px solid ${LINE};text-align:${align};vertical-align:top">${content}</td>`
  const head = (content: string, align: 'left' | 'right' = 'left') => `<th scope="col" style="padding:6px 8px;border-bottom:1px solid ${LINE};text-align:${align};font-size:12px;color:${MUTED}">${content}</th>`
  const topTable =
    top.length === 0
      ? ''
      : `<h2 style="font-size:16px;margin:24px 0 8px">The changes that save the most</h2>
<table id="top-changes" role="table" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;table-layout:fixed">
<thead><tr>${head('ICCID')}${head('Plan change')}${head('Saving', 'right')}</tr></thead>
<tbody>${top
          .map(
            (change) =>
              `<tr>${cell(`<span style="font-family:Menlo,Consolas,monospace;word-break:break-all">${escapeHtml(change.iccid)}</span>`)}${cell(`${escapeHtml(change.oldPlan)} → ${escapeHtml(change.newPlan)}`)}${cell(
                `<strong>${money(change.saving)}</strong><br><span style="color:${MUTED};font-size:12px">own ${money(change.ownSaving)}, pool ${money(change.poolEffect)}</span>`,
                'right',
              )}</tr>`,
          )
          .join('\n')}</tbody>
</table>
<p style="color:${MUTED};font-size:12px;margin:8px 0 0">A change’s saving is its own (its SIM’s monthly, SMS and unpooled overage charges) plus its pool effect (its share of what its pools’ overage changes); all changes add up to the savings.</p>`

  const notes = [
    notice.unpricedNote == null ? '' : `Not every SIM is in these figures: ${escapeHtml(notice.unpricedNote)}.`,
    notice.sheetsLeftOut.length === 0
      ? ''
      : `The workbook attached leaves out the ${escapeHtml(notice.sheetsLeftOut.join(' and '))} sheet${notice.sheetsLeftOut.length > 1 ? 's' : ''}: the whole one is too big for e-mail (simopt report ${escapeHtml(notice.sessionId)} --xlsx FILE).`,
  ].filter((note) => note !== '')

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f6f7f9;color:${INK};${FONT}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f7f9">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border:1px solid ${LINE};border-radius:8px">
<tr><td style="padding:20px 24px;${FONT};font-size:15px;line-height:1.45">
<h1 style="font-size:20px;margin:0 0 4px">${escapeHtml(notice.provider)} optimized for ${escapeHtml(notice.period)}</h1>
<p id="period" style="margin:0 0 16px;color:${MUTED};font-size:13px">Tenant ${escapeHtml(notice.tenant)} · billing period ${period} · amounts in ${escapeHtml(currency)}</p>
<p id="savings" style="margin:0;font-size:28px;font-weight:700;color:${GOOD}">${money(figures.savings)} saved</p>
<p style="margin:0 0 16px;color:${MUTED}">${figures.savingsPct.toFixed(2)}% of ${money(notice.costBefore)}${notice.baselineCost === null ? '' : `; ${money(notice.baselineCost - notice.costAfter)} more than the old method`}</p>
<table id="figures" role="table" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:14px">
<tbody>${rows.map(([label, value]) => `<tr><th scope="row" style="padding:6px 8px;border-bottom:1px solid ${LINE};text-align:left;font-weight:600;color:${MUTED}">${escapeHtml(label)}</th>${cell(value, 'right')}</tr>`).join('\n')}</tbody>
</table>
${topTable}
${notes.map((note) => `<p style="margin:16px 0 0;font-size:13px">${note}</p>`).join('\n')}
${
  link === undefined
    ? `<p style="margin:20px 0 0;font-size:13px;color:${MUTED}">The details: simopt status ${escapeHtml(notice.sessionId)}; the workbook is attached.</p>`
    : `<p style="margin:24px 0 0"><a id="session-link" href="${escapeHtml(link)}" style="display:inline-block;background:${ACCENT};color:#ffffff;text-decoration:none;padding:10px 16px;border-radius:6px;font-weight:600">Open the session on the dashboard</a></p>`
}
<p style="margin:20px 0 0;font-size:12px;color:${MUTED}">Session ${escapeHtml(notice.sessionId)}. The workbook attached has every SIM and change.</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`
}
