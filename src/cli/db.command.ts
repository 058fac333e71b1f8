/** `simopt db migrate`: brings the database schema up to date (every service command also does at start). */
import { Command } from 'commander'
import { loadConfig } from '../config.js'
import { migrate, openStore } from '../store/index.js'

export function dbCommand(): Command {
  const db = new Command('db').description('database administration')
  db.command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const config = loadConfig()
      const store = openStore(config.databaseUrl)
      try {
        const applied = await migrate(store)
        process.stdout.write(applied.length === 0 ? 'database schema is up to date\n' : `applied ${applied.join(', ')}\n`)
      } finally {
        await store.close()
      }
    })
  return db
}
