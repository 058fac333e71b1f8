import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { effectiveSettings, loadConfig } from '../../src/config.js'
import { simopt } from '../helpers/service-env.js'

const SECRET = 'very-secret-key-0123456789'
const HOOK_SECRET = 'hook-secret-0123456789'

describe('simopt config', () => {
  it('lists every setting with its default when nothing is set', () => {
    const { settings, unknown } = effectiveSettings({})
    const byName = new Map(settings.map((s) => [s.name, s]))
    assert.deepEqual(unknown, [])
    assert.deepEqual(byName.get('SIMOPT_DATABASE_URL'), { name: 'SIMOPT_DATABASE_URL', value: 'sqlite:./data/simopt.db', source: 'default', oldName: undefined })
    assert.equal(byName.get('SIMOPT_RETENTION_DAYS')?.value, '90')
    assert.equal(byName.get('SIMOPT_SCHEDULE_DAYS')?.value, '8')
    assert.equal(byName.get('SIMOPT_REDIS_URL')?.value, undefined)
    assert.ok(settings.every((s) => s.source === 'default'))
    // One loader: what it prints is what the commands run with.
    assert.equal(loadConfig({}).retentionDays, 90)
    const names = 'SIMOPT_DATABASE_URL SIMOPT_QUEUE SIMOPT_REDIS_URL SIMOPT_JOB_LEASE_MS SIMOPT_QUEUE_PREFIX SIMOPT_SECRET_KEY SIMOPT_SECRET_KEY_FILE SIMOPT_MAX_PAGES_PER_JOB SIMOPT_SMTP_URL SIMOPT_OUTBOX_DIR SIMOPT_MAIL_FROM SIMOPT_PUBLIC_URL SIMOPT_ERROR_EMAIL SIMOPT_DELIVERY_RETRIES SIMOPT_DELIVERY_RETRY_MS SIMOPT_MAX_ATTACHMENT_MB SIMOPT_PORT SIMOPT_HOST SIMOPT_WORKER_PORT SIMOPT_METRICS_TOKEN SIMOPT_LOG_LEVEL SIMOPT_BODY_LIMIT_MB SIMOPT_VERIFY_DELAY_MS SIMOPT_WEBHOOK_URL SIMOPT_WEBHOOK_SECRET SIMOPT_RETENTION_DAYS SIMOPT_SCHEDULE_DAYS SIMOPT_ALLOW_PRIVATE_CARRIER_URLS'
    for (const name of names.split(' ')) assert.ok(byName.has(name), `${name} is listed`)
  })

  it('says where each value came from and masks secrets and passwords', () => {
    const { settings, unknown } = effectiveSettings({
      SIMOPT_DATABASE_URL: 'postgres://simopt:db-password@db.example/simopt',
      SIMOPT_SMTP_URL: 'smtp://mailer:smtp-password@mail.example:587',
      SIMOPT_SECRET_KEY: SECRET,
      SIMOPT_WEBHOOK_SECRET: HOOK_SECRET,
      SIMOPT_PORT: '',
      SIMOPT_RETENTION_DAYS: '30',
      MaxPagesToProcess: '7',
      SIMOPT_DATABSE_URL: 'sqlite:typo.db',
    })
    const byName = new Map(settings.map((s) => [s.name, s]))
    assert.equal(byName.get('SIMOPT_DATABASE_URL')?.value, 'postgres://simopt:***@db.example/simopt')
    assert.equal(byName.get('SIMOPT_SMTP_URL')?.value, 'smtp://mailer:***@mail.example:587')
    assert.equal(byName.get('SIMOPT_SECRET_KEY')?.value, '***')
    assert.equal(byName.get('SIMOPT_WEBHOOK_SECRET')?.value, '***')
    assert.deepEqual(byName.get('SIMOPT_MAX_PAGES_PER_JOB'), { name: 'SIMOPT_MAX_PAGES_PER_JOB', value: '7', source: 'old name', oldName: 'MaxPagesToProcess' })
    assert.equal(byName.get('SIMOPT_RETENTION_DAYS')?.source, 'environment')
    assert.deepEqual(byName.get('SIMOPT_PORT'), { name: 'SIMOPT_PORT', value: '8080', source: 'default', oldName: undefined }, 'empty means unset')
    assert.deepEqual(unknown, ['SIMOPT_DATABSE_URL'])
    const printed = JSON.stringify(settings)
    for (const secret of ['db-password', 'smtp-password', SECRET, HOOK_SECRET]) assert.ok(!printed.includes(secret), `${secret} is not shown`)
  })

  it('prints the table, and stops on a bad setting naming it (exit 2)', async () => {
    const run = await simopt({ SIMOPT_SECRET_KEY: SECRET, SIMOPT_DATABASE_URL: 'postgres://u:pw-in-url@h/db', CleanUpSendEmailRetryCount: '9', SIMOPT_DELIVERY_RETRIES: '' }, ['config'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^ {2}SIMOPT_SECRET_KEY +\*\*\* +environment$/m)
    assert.match(run.stdout, /^ {2}SIMOPT_DELIVERY_RETRIES +9 +from CleanUpSendEmailRetryCount$/m)
    assert.match(run.stdout, /^ {2}SIMOPT_REDIS_URL +\(unset\) +default$/m)
    assert.ok(!run.stdout.includes(SECRET) && !run.stdout.includes('pw-in-url'))
    const json = JSON.parse((await simopt({ SIMOPT_SECRET_KEY: SECRET }, ['config', '--json'])).stdout) as { settings: { name: string; value: string | null }[] }
    assert.equal(json.settings.find((s) => s.name === 'SIMOPT_SECRET_KEY')?.value, '***')

    const bad = await simopt({ SIMOPT_PORT: 'eighty' }, ['config'])
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /SIMOPT_PORT/)
    assert.equal(bad.stdout, '')
  })
})
