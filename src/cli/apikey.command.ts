/**
 * `simopt apikey create|list|revoke`: keys of the HTTP API. A key is printed once, when made, and kept as
 * a hash only; `--tenant` omitted with `--role admin` makes a service-wide administrator.
 */
import { Command } from 'commander'
import { z } from 'zod'
import { createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys.service.js'
import { API_ROLES } from '../store/index.js'
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
        await withService(async (service) => {
          const { key, id } = await createApiKey(service, { tenant: options.tenant, name: options.name, role }, undefined, 'option --tenant')
          process.stdout.write(`${key}\n`)
          process.stderr.write(`API key ${id} (${role}, ${options.tenant === undefined ? 'service-wide' : `tenant ${options.tenant}`}): the key above is not shown again\n`)
        })
      }),
  )
  apikey.addCommand(
    new Command('list')
      .description('the keys (never the keys themselves): id, name, role, tenant, last use')
      .option('--tenant <name>', "only this tenant's keys", nameArgument('--tenant'))
      .action(async (options: { tenant?: string }) => {
        await withService(async (service) => {
          const keys = await listApiKeys(service, { tenant: options.tenant })
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
        await withService(async (service) => {
          await revokeApiKey(service, { id })
          process.stdout.write(`revoked API key ${id}\n`)
        })
      }),
  )
  return apikey
}
