/**
 * The adapters' borders (docs/architecture.md): SQL is written in `src/store` only, and the rest of the code
 * reaches the store through `store/index.ts`.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, it } from 'node:test'
import { REPO_ROOT } from '../helpers/paths.js'

const SRC = path.join(REPO_ROOT, 'src')

/** Files that still break a rule while the reshape moves them; empty when it is done. Never add to it. */
const NOT_YET_MOVED: ReadonlySet<string> = new Set([
  // PENDING-START
  'api/auth.ts',
  'api/deps.ts',
  'api/queries/api-key-list.ts',
  'api/queries/change-page.ts',
  'api/queries/monthly-savings.ts',
  'api/queries/result-page.ts',
  'api/routes/api-keys.routes.ts',
  'api/routes/changes.routes.ts',
  'api/routes/providers.routes.ts',
  'api/routes/results.routes.ts',
  'api/routes/schedule.routes.ts',
  'api/routes/sessions.routes.ts',
  'api/routes/tenants.routes.ts',
  'api/schemas.ts',
  'api/tenant-scope.ts',
  'cli/apikey.command.ts',
  'cli/audit.command.ts',
  'cli/backup.command.ts',
  'cli/changes.command.ts',
  'cli/cleanup.command.ts',
  'cli/db.command.ts',
  'cli/demo.command.ts',
  'cli/import.command.ts',
  'cli/options.ts',
  'cli/outbox.command.ts',
  'cli/provider.command.ts',
  'cli/report.command.ts',
  'cli/results.command.ts',
  'cli/run.command.ts',
  'cli/schedule.command.ts',
  'cli/service.ts',
  'cli/session-summary.ts',
  'cli/session-wait.ts',
  'cli/status.command.ts',
  'cli/tenant.command.ts',
  'jobs/bullmq-queue.ts',
  'jobs/carrier-for.ts',
  'jobs/change-push.ts',
  'jobs/job-log.ts',
  'jobs/job-runner.ts',
  'jobs/local-queue.ts',
  'jobs/notices.ts',
  'jobs/schedule-tick.ts',
  'jobs/session-progress.ts',
  'jobs/sessions.ts',
  'jobs/stage.ts',
  'jobs/stages/build-problem.ts',
  'jobs/stages/cleanup.ts',
  'jobs/stages/decide-push.ts',
  'jobs/stages/deliver-message.ts',
  'jobs/stages/finalize-instance.ts',
  'jobs/stages/push-changes.ts',
  'jobs/stages/report-instance.ts',
  'jobs/stages/session-of.ts',
  'jobs/stages/start-session.ts',
  'jobs/stages/sync-devices.ts',
  'jobs/stages/sync-usage.ts',
  'jobs/stages/verify-changes.ts',
  'jobs/worker-cache.ts',
  'jobs/worker.ts',
  // PENDING-END
])

async function sourceFiles(): Promise<string[]> {
  const entries = await readdir(SRC, { withFileTypes: true, recursive: true })
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)))
}

const outsideStore = async () => (await sourceFiles()).filter((file) => !file.startsWith(`store${path.sep}`) && !NOT_YET_MOVED.has(file))

describe('architecture: the store', () => {
  it('no file outside src/store imports kysely or builds a query', async () => {
    const offenders: string[] = []
    for (const file of await outsideStore()) {
      const source = await readFile(path.join(SRC, file), 'utf8')
      if (/from\s+['"]kysely['"]/.test(source) || /\.(selectFrom|insertInto|updateTable|deleteFrom|selectNoFrom)\(|\bsql`/.test(source)) offenders.push(file)
    }
    assert.deepEqual(offenders, [], 'SQL belongs in src/store: move these queries into a repository there')
  })

  it('code outside src/store imports it through store/index.ts only', async () => {
    const offenders: string[] = []
    for (const file of await outsideStore()) {
      const source = await readFile(path.join(SRC, file), 'utf8')
      for (const match of source.matchAll(/from\s+['"]((?:\.\.?\/)+store\/[^'"]+)['"]/g)) {
        if (!match[1]!.endsWith('store/index.js')) offenders.push(`${file} imports ${match[1]}`)
      }
    }
    assert.deepEqual(offenders, [], 'import the store from store/index.js')
  })
})
