/** Tenants: an administrator lists them (a tenant's administrator sees its own); a service-wide one creates them. */
import { SimoptError } from '../../domain/index.js'
import type { FastifyInstance } from 'fastify'
import { ensureTenant } from '../../store/accounts.js'
import { callerOf } from '../auth.js'
import type { ApiDeps } from '../deps.js'
import { epochMs, nameSchema, responses } from '../schemas.js'

const tenantSchema = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, createdAt: epochMs } } as const

export function tenantRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get(
    '/api/tenants',
    {
      config: { role: 'admin' },
      schema: { tags: ['tenants'], summary: 'tenants the key may see, by name', response: responses({ 200: { type: 'object', properties: { tenants: { type: 'array', items: tenantSchema } } } }) },
    },
    async (request) => {
      const caller = callerOf(request)
      let query = store.db.selectFrom('tenants').select(['id', 'name', 'created_at'])
      if (caller.tenantId !== null) query = query.where('id', '=', caller.tenantId)
      const rows = await query.orderBy('name').execute()
      return { tenants: rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at })) }
    },
  )

  app.post<{ Body: { name: string } }>(
    '/api/tenants',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['tenants'],
        summary: 'create a tenant (service-wide administrators only)',
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: nameSchema } },
        response: responses({ 201: tenantSchema }),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request)
      if (caller.tenantId !== null) throw new SimoptError('FORBIDDEN', "creating tenants needs a service-wide administrator's key")
      const { name } = request.body
      const created = await store.db.transaction().execute(async (trx) => {
        const exists = await trx.selectFrom('tenants').select('id').where('name', '=', name).executeTakeFirst()
        if (exists !== undefined) throw new SimoptError('ALREADY_EXISTS', `tenant ${JSON.stringify(name)} already exists`)
        return trx.selectFrom('tenants').select(['id', 'name', 'created_at']).where('id', '=', await ensureTenant(trx, name)).executeTakeFirstOrThrow()
      })
      return reply.status(201).send({ id: created.id, name: created.name, createdAt: created.created_at })
    },
  )
}
