/** How each message reads, the tenant's subjects, the webhook signature, and the settings that address them. */
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { renderNotice, type Notice } from '../../src/notify/render-notice.js'
import { EMAIL_KINDS, parseTenantSettings, recipientsOf } from '../../src/notify/tenant-settings.js'
import { signBody } from '../../src/notify/webhook.js'

const SESSION = { tenant: 'acme', provider: 'main', period: '2026-11', sessionId: 's-1' }
const WORKBOOK = { filename: 'r.xlsx', content: Buffer.from('x'), contentType: 'application/octet-stream' }

const NOTICES: Record<(typeof EMAIL_KINDS)[number], Notice> = {
  results: { kind: 'results', ...SESSION, sims: 1000, changes: 12, costBefore: 200, costAfter: 150, lowerBound: 149.5, baselineCost: 180, workbook: WORKBOOK, sheetsLeftOut: ['Assignments', 'Changes'] },
  'customer-results': {
    kind: 'customer-results',
    ...SESSION,
    customers: [{ customer: 'C1', name: 'One', sims: 10, changes: 4, billBefore: 100, billAfter: 80, lowerBound: 79.5, gapPct: 0.625, baselineCost: 90 }],
    usageNote: 'usage of 2026-11 as imported',
    workbook: WORKBOOK,
  },
  'sync-error': { kind: 'sync-error', ...SESSION, error: 'carrier said 40000029' },
  'already-running': { kind: 'already-running', tenant: 'acme', provider: 'main', period: '2026-11', runningSessionId: 's-0', status: 'syncing' },
  'unexpected-sim-count': { kind: 'unexpected-sim-count', ...SESSION, sims: 50, previousSims: 100, previousPeriod: '2026-10', limitPct: 20 },
  'cache-unreachable': { kind: 'cache-unreachable', error: 'connect ECONNREFUSED 127.0.0.1:6379', at: Date.UTC(2026, 10, 30, 12) },
  'go-no-go': { kind: 'go-no-go', ...SESSION, go: false, changes: 9000, estimatedMinutes: 150, periodEndsAt: Date.UTC(2026, 10, 30, 23, 59), reason: 'the push would end 20 minutes after the period' },
  'plan-discrepancies': { kind: 'plan-discrepancies', ...SESSION, discrepancies: [{ iccid: '8901', expected: 'FLEX-1GB', found: 'PAYG' }] },
  'new-comm-plans': { kind: 'new-comm-plans', ...SESSION, commPlans: ['LTE-NEW'] },
  'usage-feed-stale': { kind: 'usage-feed-stale', ...SESSION, folder: 'sftp://127.0.0.1:2222/reports', newestFile: 'MUBU_90000001_202611300300_data.csv', newestAsOf: Date.UTC(2026, 10, 30, 3), staleHours: 6 },
}

describe('notices', () => {
  it('every kind reads with its facts', () => {
    const expected: Record<string, RegExp[]> = {
      results: [/savings\s+\$50\.00 \(25\.00%\)/, /lower bound\s+\$149\.50 \(gap 0\.333%\)/, /old method\s+\$180\.00 \(simopt saves \$30\.00 more\)/, /leaves out the Assignments and Changes sheets: with 1,000 SIMs the whole one is too big for e-mail/, /simopt report s-1 --xlsx FILE/],
      'customer-results': [/customer rate plans of 1 customers of tenant acme for 2026-11: their bills go from \$100\.00 to \$80\.00 \(20\.00% less\)/, /C1 \(One\): 10 SIMs, 4 changes, \$100\.00 -> \$80\.00, bound \$79\.50 \(gap 0\.625%\), old method \$90\.00/, /Nothing is changed at any carrier/],
      'sync-error': [/carrier said 40000029/, /simopt restart s-1/],
      'already-running': [/session s-0 is still running \(syncing\)/],
      'unexpected-sim-count': [/has 50 SIMs for 2026-11, against 100 in 2026-10 \(-50\.0%/],
      'cache-unreachable': [/2026-11-30 12:00 UTC/, /ECONNREFUSED/],
      'go-no-go': [/NO-GO for 9,000 rate plan changes/, /150\.0 minutes/, /20 minutes after the period/],
      'plan-discrepancies': [/8901 {2}expected FLEX-1GB, found PAYG/],
      'new-comm-plans': [/ {2}LTE-NEW/],
      'usage-feed-stale': [/newest in sftp:\/\/127\.0\.0\.1:2222\/reports is MUBU_90000001_202611300300_data\.csv, as of 2026-11-30 03:00 UTC, more than 6 hours ago/],
    }
    for (const kind of EMAIL_KINDS) {
      const rendered = renderNotice(NOTICES[kind])
      assert.ok(rendered.subject.startsWith('simopt: '), kind)
      for (const pattern of expected[kind]!) assert.match(rendered.text, pattern, kind)
    }
    assert.deepEqual(renderNotice(NOTICES.results).attachments, [WORKBOOK])
  })

  it("fills the tenant's own subject", () => {
    assert.equal(renderNotice(NOTICES['sync-error'], 'Sync {provider}/{period} for {tenant} FAILED').subject, 'Sync main/2026-11 for acme FAILED')
  })

  it('addresses each kind to its own recipients, else the defaults, and names bad settings', () => {
    const settings = parseTenantSettings(JSON.stringify({ emailTo: ['ops@acme.example'], email: { results: { to: ['cfo@acme.example'] } } }), 'acme')
    assert.deepEqual(recipientsOf(settings, 'results'), ['cfo@acme.example'])
    assert.deepEqual(recipientsOf(settings, 'sync-error'), ['ops@acme.example'])
    assert.throws(() => parseTenantSettings('{"emailTo":["not-an-address"]}', 'acme'), /settings of tenant acme: emailTo\.0: "not-an-address" is not an e-mail address/)
    assert.throws(() => parseTenantSettings('{"webhookUrl":"ftp://x"}', 'acme'), /settings of tenant acme: webhookUrl: must be an http\(s\) URL/)
    assert.throws(() => parseTenantSettings('{', 'acme'), /settings of tenant acme are not JSON/)
  })

  it('signs webhook bodies with HMAC-SHA256', () => {
    assert.equal(signBody('k'.repeat(16), '{"a":1}'), `sha256=${createHmac('sha256', 'k'.repeat(16)).update('{"a":1}').digest('hex')}`)
  })

  it('reads the delivery settings, the old names too, and names a bad one', () => {
    const config = loadConfig({ CleanUpSendEmailRetryCount: '7', ErrorNotificationEmailReceiver: 'a@x.example; b@x.example', ProxyUrl: 'http://127.0.0.1:9/hook' })
    assert.equal(config.deliveryRetries, 7)
    assert.deepEqual(config.errorEmail, ['a@x.example', 'b@x.example'])
    assert.equal(config.webhookUrl, 'http://127.0.0.1:9/hook')
    assert.equal(config.smtpUrl, undefined)
    assert.equal(config.outboxDir, './data/outbox')
    assert.throws(() => loadConfig({ SIMOPT_SMTP_URL: 'http://user:pw@mail' }), /setting SIMOPT_SMTP_URL: must be smtp:\/\/… or smtps:\/\/…, got "http:\/\/user:\*\*\*@mail"/)
    assert.throws(() => loadConfig({ SIMOPT_ERROR_EMAIL: 'ops' }), /setting SIMOPT_ERROR_EMAIL: "ops" is not an e-mail address/)
    assert.throws(() => loadConfig({ SIMOPT_MAX_ATTACHMENT_MB: '0' }), /setting SIMOPT_MAX_ATTACHMENT_MB/)
  })
})
