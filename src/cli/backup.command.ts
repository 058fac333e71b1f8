/**
 * `simopt backup FILE` and `simopt restore FILE`: the whole database to one file while the service runs, and
 * back (SQLite's online backup, or pg_dump / pg_restore; `store/backup.ts`). Carrier credentials in the
 * backup stay sealed with the secret key: keep `SIMOPT_SECRET_KEY` (or its key file) with the backups.
 */
import { Command } from 'commander'
import { redactUrl } from '../config.js'
import { backUp, checkBackupFile, restore } from '../services/operations.service.js'
import { formatCount } from './format.js'
import { withService } from './service.js'

export function backupCommand(): Command {
  return new Command('backup')
    .description('write a backup of the whole database to FILE (the service may keep running)')
    .argument('<file>', 'backup file to write (replaced if it exists)')
    .action(async (file: string) => {
      await withService(async (service) => {
        const { store, config } = service
        const facts = await backUp(service, file)
        process.stdout.write(`backed up ${redactUrl(store.url)} to ${facts.file} (${formatCount(facts.bytes)} bytes)\n`)
        if (config.secretKey === undefined) process.stdout.write(`keep the secret key file ${config.secretKeyFile} with it: stored carrier credentials need it\n`)
      })
    })
}

export function restoreCommand(): Command {
  return new Command('restore')
    .description('replace the database with the backup in FILE (stop workers and serve first)')
    .argument('<file>', 'backup file written by simopt backup')
    .action(async (file: string) => {
      // A missing or foreign file is refused before the database is even opened.
      await checkBackupFile(file)
      await withService(async (service) => {
        await restore(service, file)
        process.stdout.write(`restored ${redactUrl(service.store.url)} from ${file}\n`)
      })
    })
}
