/**
 * The results e-mail's HTML part as a reader sees it, rendered in headless Chromium: the saving and the old
 * method's cost, the period in the tenant's time zone, the top changes, the currency, a link to the session on
 * the dashboard, nothing wider than the window on a phone or a desktop mail program, and text from outside shown
 * as text. Then the whole way: a session's results e-mail received by a real SMTP server on loopback, with its
 * text part, its HTML part and the tenant's From. Without a browser: skipped outside CI, failed in CI.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { simpleParser } from 'mailparser'
import type { Browser } from 'playwright-core'
import { renderNotice, type Notice } from '../../src/notify/render-notice.js'
import { finishedSession, importedFleet } from '../helpers/api-fleet.js'
import { call, startApiServer, tenantKeys } from '../helpers/api-server.js'
import { launchChromium } from '../helpers/browser.js'
import { SmtpReceiver } from '../helpers/mail-receivers.js'
import { eventually, simoptOk } from '../helpers/service-env.js'


/** What a reader of `html` sees at `width` pixels: its text, its links, and whether anything is wider than the window. */
async function readerView(browser: Browser, html: string, width: number) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, javaScriptEnabled: false })
  try {
    await page.setContent(html)
    return {
      text: await page.locator('body').innerText(),
      links: await Promise.all((await page.locator('a').all()).map(async (link) => ({ text: await link.innerText(), href: await link.getAttribute('href') }))),
      scriptElements: await page.locator('script').count(),
      overflow: await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'),
      topRows: await page.locator('#top-changes tbody tr').count(),
    }
  } finally {
    await page.close()
  }
}

const WORKBOOK = { filename: 'r.xlsx', content: Buffer.from('x'), contentType: 'application/octet-stream' }

const NOTICE: Notice = {
  kind: 'results',
  tenant: 'acme <script>alert(1)</script>',
  provider: 'main & co',
  period: '2026-11',
  sessionId: '3f2a0c1e-0000-4000-8000-000000000001',
  sims: 3000,
  changes: 1448,
  costBefore: 80_000,
  costAfter: 59_228.21,
  lowerBound: 59_100,
  baselineCost: 65_000,
  workbook: WORKBOOK,
  sheetsLeftOut: [],
  currency: 'EUR',
  periodStart: Date.UTC(2026, 10, 1),
  periodEnd: Date.UTC(2026, 11, 1),
  topChanges: Array.from({ length: 10 }, (_, i) => ({
    iccid: `8901170000000000${String(i).padStart(4, '0')}`,
    oldPlan: 'PAYG',
    newPlan: 'FLEX-230MB-SHARED-POOL-LONG-NAME',
    saving: 150 - i,
    ownSaving: 160 - i,
    poolEffect: -10,
  })),
}

describe('the results e-mail', () => {
  it('reads, in Chromium, with its figures, currency, period, top changes and a link to the session', async (t) => {
    const browser = await launchChromium(t)
    if (browser === undefined) return
    const rendered = renderNotice(NOTICE, undefined, { timeZone: 'Europe/Berlin', publicUrl: 'https://simopt.example.com' })
    assert.ok(rendered.html !== undefined)
    assert.match(rendered.text, /savings\s+€20,771\.79 \(25\.96%\)/, 'the text part stays, in the currency')
    for (const width of [375, 600, 1024]) {
      const view = await readerView(browser, rendered.html, width)
      assert.ok(view.overflow <= 0, `nothing wider than a ${width} px window (${view.overflow} px over)`)
      assert.match(view.text, /€20,771\.79 saved/)
      assert.match(view.text, /€5,771\.79 more than the old method/)
      assert.match(view.text, /Old method’s cost\s+€65,000\.00: simopt saves €5,771\.79 more/)
      // November 2026 in Berlin: from 01:00 on the 1st (CET) to 01:00 on 1 December.
      assert.match(view.text, /2026-11-01 01:00\+01:00 Europe\/Berlin to 2026-12-01 01:00\+01:00 Europe\/Berlin/)
      assert.match(view.text, /amounts in EUR/)
      assert.equal(view.topRows, 10)
      assert.match(view.text, /89011700000000000000/)
      assert.match(view.text, /own €160\.00, pool -€10\.00/)
      assert.match(view.text, /Tenant acme <script>alert\(1\)<\/script>/, "a tenant's name shows as typed, never as markup")
      assert.equal(view.scriptElements, 0)
      assert.deepEqual(view.links, [{ text: 'Open the session on the dashboard', href: `https://simopt.example.com/#/sessions/${NOTICE.sessionId}` }])
    }
    // Without a public address there is no link, and the reader is told where to look instead.
    const unlinked = await readerView(browser, renderNotice(NOTICE).html!, 600)
    assert.deepEqual(unlinked.links, [])
    assert.match(unlinked.text, /simopt status 3f2a0c1e/)
  })

  it("arrives over SMTP from a session with a text part, an HTML part, the tenant's From and a link to the session", async (t) => {
    const browser = await launchChromium(t)
    if (browser === undefined) return
    const smtp = new SmtpReceiver()
    await smtp.start()
    after(() => smtp.stop())
    const server = await startApiServer({ SIMOPT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SIMOPT_PUBLIC_URL: 'https://simopt.example.com/', SIMOPT_MAIL_FROM: 'simopt <simopt@ops.example>' })
    const keys = await tenantKeys(server.store, 'acme')
    await importedFleet(server, 'acme', 'main', 300)
    await simoptOk(server.env, ['tenant', 'set', '--tenant', 'acme', '--email-to', 'cfo@acme.example', '--time-zone', 'America/Chicago', '--email-from', 'Acme savings <savings@acme.example>'])
    const patched = await call(server, 'PATCH', '/api/tenants/acme/providers/main', { key: keys.admin, body: { currency: 'EUR' } })
    assert.equal(patched.status, 200, JSON.stringify(patched.body))
    await server.startWorker()
    const session = await finishedSession(server, keys.operator)
    const mail = await eventually('the results e-mail at the SMTP server', async () => {
      for (const raw of smtp.messages) {
        const parsed = await simpleParser(raw)
        if (/optimized/.test(parsed.subject ?? '')) return parsed
      }
      return undefined
    })
    assert.equal(mail.from?.text, '"Acme savings" <savings@acme.example>')
    assert.match(mail.subject ?? '', /main 2026-11 optimized/)
    assert.match(mail.text ?? '', /savings\s+€[\d,]+\.\d\d \(/)
    assert.match(mail.text ?? '', new RegExp(`On the dashboard: https://simopt\\.example\\.com/#/sessions/${session}`))
    assert.equal(mail.attachments.length, 1, 'the workbook')
    assert.ok(typeof mail.html === 'string')
    const detail = await call(server, 'GET', `/api/sessions/${session}`, { key: keys.viewer })
    const euros = (value: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(value)
    const view = await readerView(browser, mail.html, 600)
    assert.ok(view.overflow <= 0)
    assert.match(view.text, new RegExp(`${euros(detail.body.costBefore - detail.body.costAfter)} saved`))
    assert.match(view.text, /America\/Chicago/)
    assert.deepEqual(view.links, [{ text: 'Open the session on the dashboard', href: `https://simopt.example.com/#/sessions/${session}` }])
    assert.ok(view.topRows > 0 && view.topRows <= 10)
  })
})
