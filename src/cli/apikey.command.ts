/**
 * `simopt apikey create|list|revoke`: keys of the HTTP API. A key is printed once, when made, and kept as
 * a hash only; `--tenant` omitted with `--role admin` makes a service-wide administrator.
 */
import { Command } from 'commander'
import { z } from 'zod'
import { listApiKeys } from '../api/queries/api-key-list.js'
import { SimoptError, quoteInput } from '../domain/index.js'
import { API_ROLES, createApiKey, revokeApiKey } from '../store/api-keys.js'
import type { Db } from '../store/database.js'
import { nameArgument, parseOption } from './options.js'
import { withService } from './service.js'

export function apikeyCommand(): Command {
  const apikey = new Command('apikey').description('keys of the HTTP API (simopt serve)')
  apikey.addCommand(
    new Command('create')
      .description('make a key and print it (the only time it is shown)')
      .option('--tenant <name>', 'the tenant the key sees; omitted with --role admin: every tenant', nameArgument('--tenant'))
      .requiredOption('--role <role>', `${API_ROLES.join(', ')}`)
      .requiredOption('--name <name>', 'what the key is for (shown in lists and the audit log)')
      .action(async (options: { tenant?: string; role: string; name: string }) => {
        const role = parseOption('--role', options.role, z.enum(API_ROLES, { error: `must be ${API_ROLES.join(', ')}` }))
        if (options.tenant === undefined && role !== 'admin') throw new SimoptError('INPUT_INVALID', 'option --tenant is required for a viewer or operator key (only administrators can be service-wide)')
        await withService(async ({ store }) => {
          const tenantId = options.tenant === undefined ? null : await tenantIdOf(store.db, options.tenant)
          const { key, row } = await createApiKey(store.db, { tenantId, name: options.name, role })
          process.stdout.write(`${key}\n`)
          process.stderr.write(`API key ${row.id} (${role}, ${options.tenant === undefined ? 'service-wide' : `tenant ${options.tenant}`}): the key above is not shown again\n`)
        })
      }),
  )
  apikey.addCommand(
    new Command('list')
      .description('the keys (never the keys themselves): id, name, role, tenant, last use')
      .option('--tenant <name>', "only this tenant's keys", nameArgument('--tenant'))
      .action(async (options: { tenant?: string }) => {
        await withService(async ({ store }) => {
          const keys = await listApiKeys(store.db, options.tenant === undefined ? undefined : await tenantIdOf(store.db, options.tenant))
          if (keys.length === 0) return void process.stdout.write('no API keys\n')
          const when = (at: number | null) => (at === null ? '-' : new Date(at).toISOString())
          const lines = keys.map((key) => [key.id, key.name, key.role, key.tenant ?? '(service-wide)', `used ${when(key.lastUsedAt)}`, key.revokedAt === null ? 'active' : `revoked ${when(key.revokedAt)}`].join('  '))
          process.stdout.write(`${lines.join('\n')}\n`)
        })
      }),
  )
  apikey.addCommand(
    new Command('revoke')
      .description('revoke a key: it stops working at once')
      .argument('<id>', 'the key id (simopt apikey list)')
      .action(async (id: string) => {
        await withService(async ({ store }) => {
          if (!(await revokeApiKey(store.db, id))) throw new SimoptError('INPUT_INVALID', `no active API key ${id}`)
          process.stdout.write(`revoked API key ${id}\n`)
        })
      }),
  )
  return apikey
}

async function tenantIdOf(db: Db, tenant: string): Promise<string> {
  const row = await db.selectFrom('tenants').select('id').where('name', '=', tenant).executeTakeFirst()
  if (row === undefined) throw new SimoptError('INPUT_INVALID', `tenant ${quoteInput(tenant)} does not exist`)
  return row.id
}
