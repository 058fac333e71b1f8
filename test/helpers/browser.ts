/**
 * Headless Chromium for the tests that look at what people see (the dashboard, the HTML e-mail): Debian's
 * `chromium` driven by playwright-core. Outside CI a machine without it skips with a message; in CI it fails.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { after, type TestContext } from 'node:test'
import { chromium, type Browser, type Page } from 'playwright-core'
import { REPO_ROOT } from './paths.js'

const CHROMIUM = process.env.SIMOPT_TEST_CHROMIUM ?? '/usr/bin/chromium'
const SCREENSHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots')

/** A browser closed after the test file; undefined when skipped. */
export async function launchChromium(t: TestContext): Promise<Browser | undefined> {
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    after(() => browser.close())
    return browser
  } catch (error) {
    const reason = `Chromium cannot be launched from ${CHROMIUM} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`
    if (process.env.CI === 'true') throw new Error(`${reason}; CI needs it`)
    t.skip(`skipped: ${reason}`)
    return undefined
  }
}

/** A full-page screenshot in test-results/screenshots/NAME.png, for a person to look at. */
export async function snap(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
}
