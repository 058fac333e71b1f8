/**
 * `simopt cleanup [--older-than 90d]`: removes the history of sessions that finished longer ago than that
 * (results, plan totals, changes, snapshots of unsolved components, transitions, audit log), finished jobs,
 * delivered messages, the schedule's record and audit rows of no session, in short batches while the service
 * runs, and says how many rows went from each table (`store/retention.ts`). `--daily` starts the daily
 * cleanup job instead, which workers then run every day.
 */
import { Command } from 'commander'
import { z } from 'zod'
import { quoteInput } from '../domain/index.js'
import { queueDailyCleanup, removeOldHistory } from '../services/operations.service.js'
import { DEFAULT_BATCH_ROWS, RETENTION_TABLES, retentionDaysMs } from '../store/index.js'
import { formatCount, formatTable } from './format.js'
import { parseOption, wholeNumberOption } from './options.js'
import { withService } from './service.js'

const HOUR_MS = 3_600_000

/** An age such as `90d` or `12h`, in milliseconds; at least an hour, so a slip cannot wipe today's work. */
export const ageOption = z
  .string()
  .regex(/^\d+[hd]$/, { error: (issue) => `must be a number of hours or days such as 12h or 90d, got ${quoteInput(issue.input)}` })
  .transform((text) => Number(text.slice(0, -1)) * (text.endsWith('d') ? 24 : 1) * HOUR_MS)
  .pipe(z.number().min(HOUR_MS, { error: 'must be at least 1h' }).max(retentionDaysMs(36_500), { error: 'must be at most 36500d' }))

export function cleanupCommand(): Command {
  return new Command('cleanup')
    .description('remove results, snapshots, transitions and audit rows of sessions finished longer ago than --older-than, and older finished jobs, sent messages, schedule records and audit rows')
    .option('--older-than <age>', 'age such as 90d or 12h (default: SIMOPT_RETENTION_DAYS days)')
    .option('--batch-rows <n>', 'rows one statement deletes at most', String(DEFAULT_BATCH_ROWS))
    .option('--daily', 'instead: queue the daily cleanup job (workers run it every day at 03:00 UTC)')
    .action(async (options: { olderThan?: string; batchRows: string; daily?: boolean }) => {
      // Options are checked before the database is touched: bad input changes nothing.
      const olderThanMs = options.olderThan === undefined ? undefined : parseOption('--older-than', options.olderThan, ageOption)
      const batchRows = parseOption('--batch-rows', options.batchRows, wholeNumberOption(1, 1_000_000, 'rows'))
      await withService(async (service) => {
        if (options.daily === true) {
          const jobs = await queueDailyCleanup(service)
          process.stdout.write(jobs.length === 0 ? 'the daily cleanup job is already queued\n' : `queued ${jobs[0]!.id}; workers run it and then every day\n`)
          return
        }
        const counts = await removeOldHistory(service, { olderThanMs, batchRows })
        process.stdout.write(`${formatTable(RETENTION_TABLES.map((table) => [table, formatCount(counts[table])]))}\n`)
      })
    })
}
